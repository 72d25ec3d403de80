"""Part pooling: backbone features -> one L2-normalised embedding per part
(docs/method.md#part-matching)."""
import logging
from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.logging import print_log
from mmengine.model import BaseModule

from mmaction.registry import MODELS
from mmpartkd.structures import get_layout

__all__ = ['PartPoolNeck', 'PartProjection']


class PartProjection(nn.Module):
    """Independent MLPs, one per part, run as batched matrix products.

    ``num_layers=1``: Linear. ``num_layers=n>1``: (Linear, BN, ReLU) x (n-1),
    then Linear (docs/method.md#part-matching: Linear C->D, BN, ReLU,
    Linear D->D).

    Args:
        num_parts (int): P.
        in_channels (int): C.
        hidden_channels (int): Width of the hidden layers.
        out_channels (int): D.
        num_layers (int): Number of linear layers, >= 1.
    """

    def __init__(self, num_parts: int, in_channels: int, hidden_channels: int,
                 out_channels: int, num_layers: int = 2) -> None:
        super().__init__()
        if num_layers < 1:
            raise ValueError(f'num_layers={num_layers} must be >= 1')
        dims = [in_channels] + [hidden_channels] * (num_layers - 1) + \
            [out_channels]
        self.weights = nn.ParameterList()
        self.biases = nn.ParameterList()
        self.norms = nn.ModuleList()
        for i, (d_in, d_out) in enumerate(zip(dims[:-1], dims[1:])):
            w = torch.empty(num_parts, d_in, d_out)
            for p in range(num_parts):  # same init as nn.Linear, per part
                nn.init.kaiming_uniform_(w[p].T, a=5**0.5)
            self.weights.append(nn.Parameter(w))
            bound = 1 / d_in**0.5
            self.biases.append(
                nn.Parameter(torch.empty(num_parts, d_out).uniform_(
                    -bound, bound)))
            if i < num_layers - 1:
                self.norms.append(nn.BatchNorm1d(num_parts * d_out))

    @staticmethod
    def _norm(norm: nn.BatchNorm1d, x: torch.Tensor) -> torch.Tensor:
        if norm.training and x.shape[0] < 2:
            # One sample has no batch statistics (e.g. the only paired sample
            # of a batch with a small paired_ratio): use the running ones.
            return F.batch_norm(x, norm.running_mean, norm.running_var,
                                norm.weight, norm.bias, False, 0., norm.eps)
        return norm(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(N, P, C) -> (N, P, D)``."""
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            x = torch.einsum('npc,pcd->npd', x, w) + b
            if i < len(self.norms):
                N, P, D = x.shape
                x = F.relu(self._norm(self.norms[i], x.reshape(N, P * D))
                           .reshape(N, P, D))
        return x


@MODELS.register_module()
class PartPoolNeck(BaseModule):
    """Pool GCN features over the joints of each body part, over time and
    persons, and project every part to an L2-normalised embedding.

    Empty parts (docs/method.md#part-matching) are masked, never averaged:

    * **A part the layout lacks** (a name of ``part_names`` missing from the
      part map, or a part with no joints, with ``missing_parts='mask'``):
      its pooling weights are 0 (no division by zero), and its embedding is
      the zero vector in every sample.
    * **A part whose every joint is missing in a sample** (all-zero input
      coordinates in every frame, clip and person; see
      :meth:`part_presence`, which :class:`PartKDDistiller` calls on the
      student's input): passed as ``present`` to :meth:`forward` /
      :meth:`embed`, its embedding is the zero vector in that sample when
      ``mask_missing=True``. The default (``False``) keeps the embedding the
      network infers from the other joints, as every result in
      configs/partkd/README.md was measured; masking per sample is an
      option whose effect on accuracy has not been measured yet.

    A zero embedding means "no embedding":
    :class:`MultiSamplePartContrastLoss` skips that part of that anchor (or
    of that candidate) and renormalises the anchor's row of the part matrix
    over the parts it can use.

    Args:
        in_channels (int): Channels C of the backbone output.
        layout (str | dict): Skeleton layout of the backbone's input; its
            ``parts`` are pooled unless ``parts`` is given.
        parts (dict[str, list[int]], optional): Custom part map
            (name -> joints). Checked against the layout at build time.
        part_names (Sequence[str], optional): Order/subset of the parts.
            Teacher and student necks must use the same names in the same
            order; defaults to the layout's order (the same six parts for
            every built-in layout).
        missing_parts (str): What a name of ``part_names`` that the part map
            lacks, or a part without joints, is: ``'error'`` (raise, the
            default) or ``'mask'`` (an absent part, as above; e.g. a
            student layout without head joints matched to a teacher's six
            parts). At least one part must have joints.
        out_channels (int): Embedding size D. 0 or None means no projection
            (the pooled features are normalised as they are).
        hidden_channels (int): Hidden width of the projection MLP.
        num_layers (int): Linear layers of the projection MLP.
        normalize (bool): L2-normalise the embeddings. Defaults to True.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 in_channels: int,
                 layout: Union[str, dict] = 'nturgb+d',
                 parts: Optional[Dict[str, List[int]]] = None,
                 part_names: Optional[Sequence[str]] = None,
                 missing_parts: str = 'error',
                 mask_missing: bool = False,
                 out_channels: Optional[int] = 128,
                 hidden_channels: int = 256,
                 num_layers: int = 2,
                 normalize: bool = True,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if missing_parts not in ('error', 'mask'):
            raise ValueError('missing_parts must be "error" or "mask", got '
                             f'{missing_parts!r}')
        self.layout = get_layout(layout)
        parts = dict(self.layout.parts if parts is None else parts)
        names = list(parts) if part_names is None else list(part_names)
        if not names:
            raise ValueError('PartPoolNeck needs at least one part')
        absent = [p for p in names if not parts.get(p)]
        if absent and (missing_parts == 'error' or len(absent) == len(names)):
            raise ValueError(
                f'parts {absent} are not in the part map of layout '
                f'"{self.layout.name}" (or have no joints): {list(parts)}' +
                ('' if len(absent) == len(names) else
                 '; missing_parts="mask" keeps them as absent parts'))
        if absent:
            print_log(
                f'PartPoolNeck: layout "{self.layout.name}" has no joints in '
                f'parts {absent}; they are masked (zero embeddings, no '
                'loss)', logger='current', level=logging.WARNING)
        self.part_names = names
        present = {p: parts[p] for p in names if p not in absent}
        mask = torch.zeros(len(names), self.layout.num_node)
        mask[[names.index(p) for p in present]] = torch.from_numpy(
            self.layout.part_mask(present))
        # (P, V) weights of a mean over each part's joints; an absent part's
        # row stays 0 (clamp: never 0 / 0).
        self.register_buffer(
            'pool_weight', mask / mask.sum(1, keepdim=True).clamp(min=1),
            persistent=False)
        self.register_buffer(
            'part_in_layout', torch.tensor([p not in absent for p in names]),
            persistent=False)
        self.mask_missing = mask_missing
        self.in_channels = in_channels
        self.out_channels = out_channels or in_channels
        self.normalize = normalize
        self.projection = PartProjection(
            len(names), in_channels, hidden_channels, out_channels,
            num_layers) if out_channels else None

    @property
    def num_parts(self) -> int:
        return len(self.part_names)

    def pool(self, x: torch.Tensor) -> torch.Tensor:
        """Mean over each part's joints, time and persons.

        Args:
            x (torch.Tensor): ``(N, M, C, T, V)`` backbone features.

        Returns:
            torch.Tensor: ``(N, P, C)`` (zeros for parts the layout lacks).
        """
        if x.dim() != 5:
            raise ValueError('PartPoolNeck expects backbone features '
                             f'(N, M, C, T, V), got {tuple(x.shape)}')
        if x.shape[-1] != self.pool_weight.shape[1]:
            raise ValueError(
                f'backbone features have {x.shape[-1]} joints but layout '
                f'"{self.layout.name}" has {self.pool_weight.shape[1]}')
        return torch.einsum('nmctv,pv->npc', x.mean(3, keepdim=True),
                            self.pool_weight) / x.shape[1]

    def part_presence(self, inputs: torch.Tensor) -> torch.Tensor:
        """Which parts have at least one joint in each sample.

        A joint is missing where its input coordinates are all zero
        (``mark_missing``) in every frame, person and channel; a part is
        present when one of its joints is not missing (and the layout has
        the part). With ``mask_missing=False`` only the layout counts.

        Args:
            inputs (torch.Tensor): Model inputs ``(N, num_clips, M, T, V,
                C)`` or ``(N, M, T, V, C)``.

        Returns:
            torch.Tensor: ``(N * num_clips, P)`` bool, in the order of the
            backbone's batch (clips of a sample next to each other).
        """
        if inputs.dim() == 6:
            inputs = inputs.flatten(0, 1)
        if not self.mask_missing:
            return self.part_in_layout[None].expand(inputs.shape[0], -1)
        if inputs.dim() != 5 or inputs.shape[-2] != self.pool_weight.shape[1]:
            raise ValueError(
                'part_presence expects inputs (N, [num_clips,] M, T, V, C) '
                f'with V={self.pool_weight.shape[1]}, got '
                f'{tuple(inputs.shape)}')
        joint = (inputs != 0).flatten(1, 2).any(1).any(-1)  # (N, V)
        return (joint.to(self.pool_weight.dtype) @ self.pool_weight.T > 0) \
            & self.part_in_layout

    def embed(self, pooled: torch.Tensor,
              present: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Project and normalise pooled part features ``(N, P, C)``; absent
        parts (the layout's, and ``present`` ``(N, P)`` bool where False)
        get zero embeddings."""
        x = self.projection(pooled) if self.projection is not None else pooled
        x = F.normalize(x, dim=-1) if self.normalize else x
        keep = self.part_in_layout[None]
        if present is not None:
            keep = keep & present.to(keep.device)
        if keep.all():
            return x
        return x * keep[..., None].to(x.dtype)

    def forward(self, x: torch.Tensor,
                present: Optional[torch.Tensor] = None) -> torch.Tensor:
        """``(N, M, C, T, V)`` -> part embeddings ``(N, P, D)``; see
        :meth:`embed` for ``present``."""
        return self.embed(self.pool(x), present)
