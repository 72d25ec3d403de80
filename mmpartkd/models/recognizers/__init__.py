from .part_recognizer_gcn import PartRecognizerGCN

__all__ = ['PartRecognizerGCN']
