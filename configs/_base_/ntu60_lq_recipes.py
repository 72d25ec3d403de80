# NTU RGB+D 60 low-quality recipes at the stock mmaction2 ST-GCN size
# (3D joints, 100-frame clips, 2 persons, 16 epochs x 5 repeats). Every
# pipeline of every protocol lives here; concrete configs pick theirs:
#   drop60  - SKD: drop 60 % of (frame, joint, person) entries, mean-impute
#             from the non-missing entries within +-3 frames
#   partocc - RA-GCN part occlusion, one of {left arm, right arm, two hands,
#             two legs, trunk} per sample (drawn per sample, not per dataset)
#   kinect  - heterogeneous layout: the 20 Kinect v1 joints of each skeleton
_base_ = 'mmaction::skeleton/stgcn/stgcn_8xb16-joint-u100-80e_ntu60-xsub-keypoint-3d.py'  # noqa: E501

custom_imports = dict(imports=['mmpartkd'], allow_failed_imports=False)

ann_file = 'data/skeleton/ntu60_3d.pkl'


def protocol(name, test_mode):  # noqa: E302
    if name == 'drop60':
        return [dict(type='RandomJointDrop', drop_prob=0.6, impute_window=3,
                     test_mode=test_mode)]
    if name == 'partocc':
        return [dict(type='PartOcclusion', layout='nturgb+d', num_parts=1,
                     parts=['left_arm', 'right_arm', [7, 11, 21, 22, 23, 24],
                            [12, 13, 14, 15, 16, 17, 18, 19], 'torso'],
                     test_mode=test_mode)]
    return [dict(type='ConvertLayout', source='nturgb+d', target='kinect_v1')]


def head(test_mode, num_clips):  # noqa: E302
    return [
        dict(type='PreNormalize3D'),
        dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
        dict(type='UniformSampleFrames', clip_len=100, num_clips=num_clips,
             test_mode=test_mode),
        dict(type='PoseDecode')
    ]


pack = [dict(type='FormatGCNInput', num_person=2),
        dict(type='PackActionInputs')]
distill_pack = [dict(type='FormatGCNInput', num_person=2),
                dict(type='PackDistillInputs', num_person=2)]

drop60_train_pipeline = head(False, 1) + protocol('drop60', False) + pack
drop60_val_pipeline = head(True, 1) + protocol('drop60', True) + pack
drop60_test_pipeline = head(True, 10) + protocol('drop60', True) + pack
drop60_distill_pipeline = head(False, 1) + [dict(
    type='CopyHighQuality')] + protocol('drop60', False) + distill_pack
partocc_train_pipeline = head(False, 1) + protocol('partocc', False) + pack
partocc_val_pipeline = head(True, 1) + protocol('partocc', True) + pack
partocc_test_pipeline = head(True, 10) + protocol('partocc', True) + pack
partocc_distill_pipeline = head(False, 1) + [dict(
    type='CopyHighQuality')] + protocol('partocc', False) + distill_pack
kinect_train_pipeline = head(False, 1) + protocol('kinect', False) + pack
kinect_val_pipeline = head(True, 1) + protocol('kinect', True) + pack
kinect_test_pipeline = head(True, 10) + protocol('kinect', True) + pack
kinect_distill_pipeline = head(False, 1) + [dict(
    type='CopyHighQuality')] + protocol('kinect', False) + distill_pack
del protocol, head, pack, distill_pack

teacher_model = dict(
    type='RecognizerGCN',
    backbone=dict(
        type='STGCN', graph_cfg=dict(layout='nturgb+d',
                                     mode='stgcn_spatial')),
    cls_head=dict(type='GCNHead', num_classes=60, in_channels=256))


def part_neck(layout):  # noqa: E302
    return dict(type='PartPoolNeck', in_channels=256, layout=layout,
                out_channels=128, hidden_channels=256)




def partkd(split, student_layout):  # noqa: E302
    student = teacher_model if student_layout == 'nturgb+d' else dict(
        teacher_model,
        backbone=dict(type='STGCN', graph_cfg=dict(layout=student_layout,
                                                   mode='stgcn_spatial')))
    teacher = f'stgcn_8xb16-joint-u100-80e_ntu60-{split}-keypoint-3d'
    return dict(
        _delete_=True,
        type='PartKDDistiller',
        student=student,
        teacher=f'configs/baselines/{teacher}.py',
        teacher_ckpt=f'work_dirs/{teacher}/epoch_16.pth',
        student_neck=part_neck(student_layout),
        teacher_neck=part_neck('nturgb+d'),
        part_head=dict(
            type='PartContrastHead', num_classes=60, num_parts=6,
            embed_channels=128, bank_size=16,
            part_matrix=f'work_dirs/part_matrix_ntu60_{split}/part_matrix.npy',
            loss=dict(type='MultiSamplePartContrastLoss', temperature=0.1,
                      loss_weight=1.0)))


kinect_student = dict(
    teacher_model,
    backbone=dict(type='STGCN', graph_cfg=dict(layout='kinect_v1',
                                               mode='stgcn_spatial')))
partkd_xsub_nturgbd = partkd('xsub', 'nturgb+d')
partkd_xview_nturgbd = partkd('xview', 'nturgb+d')
partkd_xsub_kinect = partkd('xsub', 'kinect_v1')
partkd_xview_kinect = partkd('xview', 'kinect_v1')
del part_neck, partkd
