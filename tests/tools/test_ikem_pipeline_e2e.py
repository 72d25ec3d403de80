"""Tiny IKEM pipeline through tools/train.py and tools/test.py (in-process):
teacher pretraining (cross phase + IKEM) -> relational KD -> linear
evaluation of the student -> test on the last checkpoint."""
import glob
import math
import os.path as osp
import pickle
import runpy
import sys

import torch

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

CFG = osp.join(REPO_ROOT, 'configs', 'ikem')
PRETRAIN = osp.join(
    CFG, 'ikem-pretrain_stgcn-tiny_1xb32-6m-10e_synthetic-xsub-keypoint-3d.py')
RELCMKD = osp.join(
    CFG, 'relcmkd_stgcn-tiny_1xb32-3m-4e_synthetic-xsub-keypoint-3d.py')
LINEAR3 = osp.join(
    CFG, 'linear-eval_stgcn-tiny_1xb32-3m-6e_synthetic-xsub-keypoint-3d.py')
LINEAR6 = osp.join(
    CFG, 'linear-eval_stgcn-tiny_1xb32-6m-6e_synthetic-xsub-keypoint-3d.py')
MODS = ('joint', 'motion', 'bone', 'acceleration', 'rotation_axis',
        'angular_velocity')


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
    # the pipeline's collapse diagnostics on this teacher and KD run
    from mmpartkd.apis.ikem_diagnostics import collapse_report
    report = collapse_report(
        PRETRAIN, teacher_ckpt, LINEAR6, RELCMKD, kd_dir, split='xsub_val',
        cfg_options={
            'test_dataloader.dataset.ann_file': synthetic_ann_file,
            'model.backbone.base_channels': 4, 'model.feat_dim': 16,
            'model.queue_size': 32})
    assert report['num_samples'] == 20 and report['queue_size'] == 32
    assert abs(report['collapse_value'] - math.log(65)) < 1e-12
    assert -1 <= report['teacher_cosine'] <= 1
    assert set(report['modality_cosine']) == set(MODS)
    assert set(report['kd_losses']) == {'joint', 'motion', 'bone'}
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


def _nearest_mean_linear_eval_ckpt(path, ann_file):
    """A linear-evaluation checkpoint that is good before training: random
    tiny encoders whose BN statistics are calibrated on the training split,
    heads set to the nearest-class-mean classifier of their features.
    Returns its accuracy on the training split."""
    from mmaction.registry import MODELS
    from mmpartkd.apis.builders import build_eval_dataloader, load_config
    cfg = load_config(LINEAR3)
    cfg.test_dataloader.dataset.ann_file = ann_file
    data = next(iter(build_eval_dataloader(cfg, split='xsub_train',
                                           batch_size=1000)))
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    x = model.data_preprocessor(data, False)['inputs']
    labels = torch.cat([s.gt_label for s in data['data_samples']])
    with torch.no_grad():
        model.backbones.train()  # BN running statistics of this data
        for _ in range(20):
            model.extract_feat(x)
        model.eval()
        for m, feat in model.extract_feat(x).items():
            pooled = feat.mean(dim=(3, 4)).mean(1)
            means = torch.stack([pooled[labels == c].mean(0)
                                 for c in range(10)])
            # argmax_c 2 mu_c.p - |mu_c|^2 = argmin_c |p - mu_c|^2
            model.cls_heads[m].fc.weight.copy_(2000 * means)
            model.cls_heads[m].fc.bias.copy_(-1000 * (means**2).sum(1))
        acc = (model(x, mode='tensor').argmax(1) == labels).float().mean()
    torch.save(dict(state_dict=model.state_dict()), path)
    return acc.item()


def test_linear_eval_reports_last_epoch_not_best(tmp_path,
                                                 synthetic_ann_file):
    """Two epochs of the linear-evaluation config through the experiment
    runner (``python tools/train.py``, then ``tools/test.py`` on the LAST
    checkpoint), evaluated on the training split. The model starts good
    (``load_from`` a nearest-class-mean checkpoint), epoch 1 barely moves
    it (lr 1e-9), epoch 2 ascends the loss (lr -3): epoch 1 is the best,
    and the reported figure is epoch 2's."""
    from mmpartkd.apis.experiment import Experiment, Job
    from mmpartkd.apis.ikem_diagnostics import validation_accuracies
    ann = synthetic_ann_file
    start = str(tmp_path / 'nearest_mean.pth')
    assert _nearest_mean_linear_eval_ckpt(start, ann) > 0.3
    options = {
        'train_dataloader.dataset.ann_file': ann,
        'val_dataloader.dataset.ann_file': ann,
        'test_dataloader.dataset.ann_file': ann,
        'val_dataloader.dataset.split': 'xsub_train',
        'test_dataloader.dataset.split': 'xsub_train',
        'train_dataloader.batch_size': 4
    }
    for loader in ('train', 'val', 'test'):
        options[f'{loader}_dataloader.num_workers'] = 0
        options[f'{loader}_dataloader.persistent_workers'] = False
    train = {
        'load_from': start,
        'train_cfg.max_epochs': 2, 'train_cfg.val_begin': 1,
        'train_cfg.val_interval': 1,
        'default_hooks.checkpoint.interval': 1,
        'default_hooks.checkpoint.save_best': 'acc/top1',
        'optim_wrapper.optimizer.lr': 1e-9,
        'param_scheduler.0.milestones': '[1]',
        'param_scheduler.0.gamma': -3e9
    }
    exp = Experiment(str(tmp_path), 'last epoch', root=REPO_ROOT)
    exp.run([Job('linear', osp.relpath(LINEAR3, REPO_ROOT), 0, options,
                 train, row='linear')])
    val = validation_accuracies(str(tmp_path / 'linear'))
    assert sorted(val) == [1, 2]
    assert val[1] > 0.3 and val[1] > val[2] + 0.1  # best is not the last
    assert glob.glob(str(tmp_path / 'linear' / 'best_acc_top1_epoch_1.pth'))
    assert exp.checkpoints['linear'].endswith('epoch_2.pth')
    reported, = exp.rows['linear']
    assert abs(reported - 100 * val[2]) < 1e-6
