"""Forward of the models trained on two views and evaluated by linear
evaluation (docs/method.md#linear-evaluation)."""
from typing import Dict, List, Optional, Tuple

import torch

__all__ = ['TwoViewMixin']


class TwoViewMixin:
    """For a model trained on two views of each sample (``MultiView(
    num_views=2)``: inputs ``(N, 2, M, T, V, C * K)``) whose features are
    evaluated by linear evaluation: ``forward`` has a ``'loss'`` mode
    (:meth:`loss`) and a ``'tensor'`` mode (:meth:`extract_feat` of view 0),
    no ``'predict'``.

    Put it before the ``BaseModel`` subclass among the bases.
    """

    def split_views(self, inputs: torch.Tensor
                    ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Views 0 and 1, ``(N, M, T, V, C * K)`` each."""
        if inputs.ndim != 6 or inputs.shape[1] < 2:
            raise ValueError(f'{type(self).__name__} needs inputs (N, 2 '
                             f'views, M, T, V, C), got {tuple(inputs.shape)}; '
                             'use MultiView(num_views=2) in the pipeline')
        return inputs[:, 0], inputs[:, 1]

    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[List] = None,
                mode: str = 'tensor') -> Dict[str, torch.Tensor]:
        """``'loss'``: the loss dict; ``'tensor'``: :meth:`extract_feat` of
        view 0 (of ``inputs`` itself when it has no view axis)."""
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'tensor':
            x = inputs[:, 0] if inputs.ndim == 6 else inputs
            return self.extract_feat(x)
        raise RuntimeError(
            f'{type(self).__name__} has no "{mode}" mode; train it without '
            'validation and evaluate its encoders by linear evaluation '
            '(configs/ikem/*linear*)')
