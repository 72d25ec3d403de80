"""Part pooling: backbone features -> one L2-normalised embedding per part."""
from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
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
                 out_channels: Optional[int] = 128,
                 hidden_channels: int = 256,
                 num_layers: int = 2,
                 normalize: bool = True,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.layout = get_layout(layout)
        parts = dict(self.layout.parts if parts is None else parts)
        if part_names is not None:
            missing = [p for p in part_names if p not in parts]
            if missing:
                raise ValueError(f'parts {missing} are not in the part map of '
                                 f'layout "{self.layout.name}": {list(parts)}')
            parts = {p: parts[p] for p in part_names}
        if not parts:
            raise ValueError('PartPoolNeck needs at least one part')
        self.part_names = list(parts)
        mask = torch.from_numpy(self.layout.part_mask(parts))
        # (P, V) weights of a mean over each part's joints.
        self.register_buffer(
            'pool_weight', mask / mask.sum(1, keepdim=True), persistent=False)
        self.in_channels = in_channels
        self.out_channels = out_channels or in_channels
        self.normalize = normalize
        self.projection = PartProjection(
            len(parts), in_channels, hidden_channels, out_channels,
            num_layers) if out_channels else None

    @property
    def num_parts(self) -> int:
        return len(self.part_names)

    def pool(self, x: torch.Tensor) -> torch.Tensor:
        """Mean over each part's joints, time and persons.

        Args:
            x (torch.Tensor): ``(N, M, C, T, V)`` backbone features.

        Returns:
            torch.Tensor: ``(N, P, C)``.
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

    def embed(self, pooled: torch.Tensor) -> torch.Tensor:
        """Project and normalise pooled part features ``(N, P, C)``."""
        x = self.projection(pooled) if self.projection is not None else pooled
        return F.normalize(x, dim=-1) if self.normalize else x

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(N, M, C, T, V)`` -> part embeddings ``(N, P, D)``."""
        return self.embed(self.pool(x))
