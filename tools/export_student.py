"""Export the student of a distillation checkpoint.

    python tools/export_student.py DISTILL_CONFIG DISTILL_CKPT --out student.pth

The written checkpoint loads into the plain student config:
``python tools/test.py STUDENT_CONFIG student.pth``.
"""
import argparse

import torch
from mmengine.config import Config

import mmpartkd  # noqa: F401
from mmpartkd.compat import load_local_checkpoint
from mmpartkd.utils import atomic_write


def export_student(checkpoint: dict, prefix: str = 'student.') -> dict:
    """A student-only checkpoint dict from a distiller checkpoint dict."""
    state = checkpoint.get('state_dict', checkpoint)
    student = {k[len(prefix):]: v for k, v in state.items()
               if k.startswith(prefix)}
    if not student:
        raise ValueError(f'no "{prefix}*" weights in the checkpoint: is it a '
                         'distillation checkpoint?')
    meta = dict(checkpoint.get('meta', {}))
    meta['exported_from'] = 'distiller student'
    return dict(meta=meta, state_dict=student)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    parser.add_argument('config', help='distillation config')
    parser.add_argument('checkpoint', help='distillation checkpoint')
    parser.add_argument('--out', required=True, help='student checkpoint')
    args = parser.parse_args()
    model_type = Config.fromfile(args.config).model.get('type')
    if model_type != 'PartKDDistiller':
        raise ValueError(f'{args.config} builds a {model_type}, not a '
                         'PartKDDistiller')
    exported = export_student(load_local_checkpoint(args.checkpoint, 'cpu'))
    with atomic_write(args.out, 'wb') as f:
        torch.save(exported, f)
    print(f'wrote {args.out} ({len(exported["state_dict"])} tensors)')


if __name__ == '__main__':
    main()
