# Teacher: small ST-GCN trained and validated on clean synthetic skeletons.
_base_ = ['../_base_/synthetic_stgcn_tiny.py']
