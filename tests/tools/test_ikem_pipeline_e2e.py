"""Tiny IKEM pipeline through tools/train.py and tools/test.py (in-process):
teacher pretraining (cross phase + IKEM) -> relational KD -> linear
evaluation of the student -> test on the last checkpoint."""
import os.path as osp
import pickle
import runpy
import sys

import torch

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

CFG = osp.join(REPO_ROOT, 'configs', 'ikem')
PRETRAIN = osp.join(
    CFG, 'ikem-pretrain_stgcn-tiny_1xb32-6m-4e_synthetic-xsub-keypoint-3d.py')
RELCMKD = osp.join(
    CFG, 'relcmkd_stgcn-tiny_1xb32-3m-4e_synthetic-xsub-keypoint-3d.py')
LINEAR3 = osp.join(
    CFG, 'linear-eval_stgcn-tiny_1xb32-3m-6e_synthetic-xsub-keypoint-3d.py')


def run_tool(tool, *args):
    argv = sys.argv
    sys.argv = [tool, *args]
    try:
        runpy.run_path(osp.join(REPO_ROOT, 'tools', tool),
                       run_name='__main__')
    finally:
        sys.argv = argv


def state(path):
    return torch.load(path, map_location='cpu',
                      weights_only=False)['state_dict']


def test_pretrain_kd_linear_eval(tmp_path, synthetic_ann_file):
    loader = [
        f'train_dataloader.dataset.ann_file={synthetic_ann_file}',
        'train_dataloader.batch_size=20', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False'
    ]
    common = loader + [
        'train_cfg.max_epochs=1', 'default_hooks.checkpoint.interval=1',
        'default_hooks.logger.interval=1'
    ]
    tiny = ['model.backbone.base_channels=4', 'model.feat_dim=16',
            'model.queue_size=32']
    # 1. teacher: straight into the cross phase (cross-modal + IKEM)
    teacher_dir = str(tmp_path / 'teacher')
    run_tool('train.py', PRETRAIN, '--work-dir', teacher_dir,
             '--cfg-options', *common, *tiny,
             'custom_hooks.0.cross_epoch=0')
    teacher_ckpt = osp.join(teacher_dir, 'epoch_1.pth')
    t_state = state(teacher_ckpt)
    assert 'ikem_heads.joint.0.weight' in t_state
    assert t_state['queue.ptr'].item() == 60 % 32  # 3 batches of 20
    # 2. relational KD into joint / motion / bone students
    kd_dir = str(tmp_path / 'relcmkd')
    run_tool('train.py', RELCMKD, '--work-dir', kd_dir, '--cfg-options',
             *common, *tiny, 'model.teacher.backbone.base_channels=4',
             'model.teacher.feat_dim=16', 'model.teacher.queue_size=32',
             f'model.teacher_ckpt={teacher_ckpt}')
    kd_ckpt = osp.join(kd_dir, 'epoch_1.pth')
    kd_state = state(kd_ckpt)
    for k, v in t_state.items():  # the teacher did not move
        assert torch.equal(kd_state[f'teacher.{k}'], v), k
    assert not any(k.startswith('encoders.acceleration') for k in kd_state)
    # 3. linear evaluation of the student, tested on the last checkpoint
    lin_dir = str(tmp_path / 'linear')
    lin = loader + [
        f'val_dataloader.dataset.ann_file={synthetic_ann_file}',
        f'test_dataloader.dataset.ann_file={synthetic_ann_file}',
        'val_dataloader.num_workers=0',
        'val_dataloader.persistent_workers=False',
        'test_dataloader.num_workers=0',
        'test_dataloader.persistent_workers=False',
        'model.backbone.base_channels=4', 'model.cls_head.in_channels=16'
    ]
    run_tool('train.py', LINEAR3, '--work-dir', lin_dir, '--cfg-options',
             *lin, 'train_cfg.max_epochs=1', 'train_cfg.val_begin=1',
             'default_hooks.checkpoint.interval=1',
             f'model.pretrained={kd_ckpt}')
    lin_ckpt = osp.join(lin_dir, 'epoch_1.pth')
    lin_state = state(lin_ckpt)
    for m in ('joint', 'motion', 'bone'):  # frozen, loaded encoders
        own = {k: v for k, v in lin_state.items()
               if k.startswith(f'backbones.{m}.')}
        assert own
        for k, v in own.items():
            src = kd_state['encoders.' + k[len('backbones.'):]]
            assert torch.equal(v, src), k
    dump = str(tmp_path / 'pred.pkl')
    run_tool('test.py', LINEAR3, lin_ckpt, '--work-dir', lin_dir, '--dump',
             dump, '--cfg-options', *lin)
    with open(dump, 'rb') as f:
        preds = pickle.load(f)
    assert len(preds) == 20  # xsub_val of the tiny set
    scores = torch.stack([torch.as_tensor(p['pred_score']) for p in preds])
    assert scores.shape == (20, 10)
    torch.testing.assert_close(scores.sum(1), torch.ones(20))
