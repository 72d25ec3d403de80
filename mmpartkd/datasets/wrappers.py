"""Reaching through dataset wrappers (mmengine's ``RepeatDataset``,
``ClassBalancedDataset``, ...): a wrapper holds the dataset it wraps under
``dataset``, in its config and as an attribute."""
from typing import Any, Dict, List

__all__ = ['dataset_cfg_chain', 'innermost_dataset_cfg', 'pipeline_cfg_owner',
           'pipeline_owner']


def dataset_cfg_chain(dataset_cfg: Dict) -> List[Dict]:
    """The dataset config and the configs it wraps, outermost first."""
    chain = [dataset_cfg]
    while 'dataset' in chain[-1]:
        chain.append(chain[-1]['dataset'])
    return chain


def innermost_dataset_cfg(dataset_cfg: Dict) -> Dict:
    """The dataset inside wrappers such as ``RepeatDataset`` (the config
    itself when it wraps nothing)."""
    return dataset_cfg_chain(dataset_cfg)[-1]


def pipeline_cfg_owner(dataset_cfg: Dict) -> Dict:
    """The (possibly wrapped) dataset config that holds ``pipeline``, the
    outermost one if several do.

    Raises:
        ValueError: No config of the chain has a ``pipeline``.
    """
    for cfg in dataset_cfg_chain(dataset_cfg):
        if 'pipeline' in cfg:
            return cfg
    raise ValueError('the dataset config has no "pipeline" (nor the '
                     'datasets it wraps)')


def pipeline_owner(dataset: Any) -> Any:
    """The built dataset whose ``pipeline`` transforms the samples of
    ``dataset``: itself, or the first dataset it wraps that has one.

    Raises:
        ValueError: Neither ``dataset`` nor a dataset it wraps has a
            ``pipeline``.
    """
    seen = set()
    while dataset is not None and id(dataset) not in seen:
        if hasattr(dataset, 'pipeline'):
            return dataset
        seen.add(id(dataset))
        dataset = getattr(dataset, 'dataset', None)
    raise ValueError('cannot find the pipeline of the dataset (nor of the '
                     'datasets it wraps)')
