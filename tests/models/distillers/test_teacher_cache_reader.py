"""The teacher-cache reader: lookup by sample_idx (frame_dir checked), and
a clear error for samples without sample_idx."""
import numpy as np
import pytest
import torch

from mmpartkd.apis import write_cache
from mmpartkd.models.distillers import TeacherCache
from mmpartkd.testing import make_distill_batch


def test_lookup_by_sample_idx_and_missing_index(tmp_path):
    n = 4
    arrays = dict(logits=np.arange(n * 3, dtype=np.float32).reshape(n, 1, 3),
                  feat=np.zeros((n, 1, 2), np.float32),
                  parts=np.ones((n, 1, 6, 2), np.float32))
    path = str(tmp_path / 'cache')
    write_cache(path, arrays,
                dict(fingerprint=dict(teacher_ckpt='x'), num_augs=1,
                     frame_dirs=[f's{i}' for i in range(n)]))
    cache = TeacherCache(path)
    _, samples = make_distill_batch([0, 1, 2, 3])
    out = cache.lookup([samples[2], samples[0]])
    torch.testing.assert_close(out['logits'],
                               torch.tensor([[6., 7., 8.], [0., 1., 2.]]))
    del samples[1].sample_idx
    with pytest.raises(KeyError, match='sample_idx.*PackDistillInputs'):
        cache.lookup(samples)
