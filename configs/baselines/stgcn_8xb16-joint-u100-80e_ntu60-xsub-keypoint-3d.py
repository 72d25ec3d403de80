# Teacher: the stock mmaction2 ST-GCN on clean NTU-60 xsub 3D joints.
_base_ = 'mmaction::skeleton/stgcn/stgcn_8xb16-joint-u100-80e_ntu60-xsub-keypoint-3d.py'  # noqa: E501
custom_imports = dict(imports=['mmpartkd'], allow_failed_imports=False)
