"""TeacherStudentBase: one way to build, load and freeze a teacher."""
import pytest
import torch
from torch import nn

from mmaction.registry import MODELS
from mmpartkd.models.distillers import TeacherStudentBase, build_model_cfg
from mmpartkd.testing import tiny_gcn_cfg


class Distiller(TeacherStudentBase):
    """The smallest distiller: a teacher and a linear student."""

    def __init__(self, teacher, teacher_ckpt=None, **kwargs):
        super().__init__(**kwargs)
        self.build_teacher(teacher, teacher_ckpt)
        self.student = nn.Linear(2, 2)

    def forward(self, inputs, data_samples=None, mode='tensor'):
        return self.student(inputs)


def save(model, path, prefix=''):
    torch.save(dict(state_dict={prefix + k: v
                                for k, v in model.state_dict().items()}),
               path)
    return str(path)


def test_loads_strictly_and_freezes(tmp_path):
    torch.manual_seed(0)
    teacher = MODELS.build(tiny_gcn_cfg())
    ckpt = save(teacher, tmp_path / 'ddp.pth', prefix='module.')  # stripped
    model = Distiller(tiny_gcn_cfg(), ckpt)
    for k, v in teacher.state_dict().items():
        assert torch.equal(model.teacher.state_dict()[k], v), k
    model.init_weights()  # the loaded teacher is not re-initialised
    for k, v in teacher.state_dict().items():
        assert torch.equal(model.teacher.state_dict()[k], v), k
    model.train()
    assert model.student.training and not model.teacher.training
    assert not any(m.training for m in model.teacher.modules())
    assert not any(p.requires_grad for p in model.teacher.parameters())
    assert type(model.data_preprocessor).__name__ == 'ActionDataPreprocessor'
    assert model.teacher_ckpt == ckpt


def test_teacher_from_a_config_file(tmp_path):
    cfg_file = tmp_path / 'teacher.py'
    cfg_file.write_text(f'model = {tiny_gcn_cfg(num_classes=3)!r}\n')
    assert build_model_cfg(str(cfg_file), 'teacher')['type'] == 'RecognizerGCN'
    ckpt = save(MODELS.build(tiny_gcn_cfg(num_classes=3)), tmp_path / 't.pth')
    model = Distiller(str(cfg_file), ckpt)
    assert model.teacher.cls_head.num_classes == 3


def test_clear_errors(tmp_path):
    with pytest.raises(ValueError, match=r'Distiller needs teacher_ckpt '
                       r'\(model.teacher_ckpt in the config\)'):
        Distiller(tiny_gcn_cfg())
    with pytest.raises(FileNotFoundError, match='not found'):
        Distiller(tiny_gcn_cfg(), str(tmp_path / 'missing.pth'))
    ckpt = save(MODELS.build(tiny_gcn_cfg()), tmp_path / 't.pth')
    with pytest.raises(FileNotFoundError, match='config file'):
        Distiller(str(tmp_path / 'missing.py'), ckpt)
    with pytest.raises(TypeError, match='model config dict'):
        build_model_cfg(dict(backbone=None), 'teacher')
    extra = torch.load(ckpt)
    extra['state_dict']['head.extra'] = torch.zeros(1)
    torch.save(extra, tmp_path / 'extra.pth')
    with pytest.raises(ValueError, match='1 unexpected keys'):
        Distiller(tiny_gcn_cfg(), str(tmp_path / 'extra.pth'))
    with pytest.raises(ValueError, match='checkpoint has 4 classes, the '
                       'teacher config 7'):
        Distiller(tiny_gcn_cfg(num_classes=7), ckpt)
    with pytest.raises(ValueError, match='init_cfg'):
        Distiller(tiny_gcn_cfg(), ckpt,
                  init_cfg=dict(type='Kaiming', layer='Conv2d'))
