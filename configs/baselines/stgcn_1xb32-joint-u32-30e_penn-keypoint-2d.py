# Teacher: small ST-GCN on every annotated Penn Action joint.
_base_ = ['../_base_/penn_stgcn_tiny.py']
