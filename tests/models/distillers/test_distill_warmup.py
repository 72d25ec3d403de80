"""distill_warmup_iters ramps every distillation loss (never loss_cls) with
the training iteration mmengine's MessageHub holds."""
import pytest
import torch
from mmengine.logging import MessageHub

from mmaction.registry import MODELS
from test_combined_objective import (combined_cfg, half_paired_batch,
                                     losses_of, teacher_ckpt)  # noqa: F401


@pytest.mark.parametrize('it, factor', [(0, 0.25), (2, 0.75), (3, 1.),
                                        (10, 1.)])
def test_distill_losses_ramp_with_the_iteration(teacher_ckpt, it,  # noqa: F811
                                                factor):
    hub = MessageHub.get_current_instance()
    x, samples = half_paired_batch([0, 1, 2, 3, 0, 1, 2, 3])
    losses = {}
    for warmup in (0, 4):
        torch.manual_seed(0)
        model = MODELS.build(combined_cfg(teacher_ckpt,
                                          distill_warmup_iters=warmup))
        model.init_weights()
        model.train()
        hub.update_info('iter', it)
        losses[warmup] = losses_of(model(x, samples, mode='loss'))
    assert set(losses[4]) == {'loss_cls', 'loss_part_contrast', 'loss_feat',
                              'loss_part_reg'}
    for k, v in losses[0].items():
        expected = v if k == 'loss_cls' else factor * v
        torch.testing.assert_close(losses[4][k], expected, msg=k)


def test_distill_warmup_iters_is_validated(teacher_ckpt):  # noqa: F811
    for bad in (-1, 2.5, '10'):
        with pytest.raises(ValueError, match='distill_warmup_iters'):
            MODELS.build(combined_cfg(teacher_ckpt,
                                      distill_warmup_iters=bad))
