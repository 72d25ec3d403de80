# Heterogeneous Penn Action task "13 -> 9 joints", the students' data: a
# cheap tracker that finds the head, shoulders, wrists, hips and ankles but
# no elbows or knees. The 9-joint layout is declared inline (penn_9j_layout;
# configs refer to it as {{_base_.penn_9j_layout}} for the student's graph
# and neck) and every one of the six parts keeps at least one joint, so the
# part matching needs no masking (docs/method.md#part-matching). The 9
# joints are read from penn's 13 (ConvertLayout with a joint mapping), then
# the "harsh" protocol of penn_official_harsh.py: invisible joints removed,
# 80 % of the rest dropped, jitter 0.05 x bbox diagonal
# (docs/method.md#low-quality-protocols). The visibility stays the third
# input channel (in_channels=3).
_base_ = './penn_official.py'

penn_9j_layout = dict(
    name='penn_9j',
    num_node=9,
    # wrists hang from the shoulders and ankles from the hips
    inward=[(1, 0), (2, 0), (3, 1), (4, 2), (5, 1), (6, 2), (7, 5), (8, 6)],
    center=0,
    dims=2,
    flip_pairs=[(1, 2), (3, 4), (5, 6), (7, 8)],
    parts=dict(
        head=[0],
        torso=[1, 2, 5, 6],
        left_arm=[1, 3],
        right_arm=[2, 4],
        left_leg=[5, 7],
        right_leg=[6, 8]),
    joint_names=[
        'head', 'left_shoulder', 'right_shoulder', 'left_wrist',
        'right_wrist', 'left_hip', 'right_hip', 'left_ankle', 'right_ankle'
    ])
# penn joint of each penn_9j joint (penn: head, shoulders 1-2, elbows 3-4,
# wrists 5-6, hips 7-8, knees 9-10, ankles 11-12)
penn_9j_mapping = [0, 1, 2, 5, 6, 7, 8, 11, 12]

train_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='UniformSampleFrames', clip_len=32, num_clips=1,
         test_mode=False),
    dict(type='PoseDecode'),
    dict(type='ConvertLayout', source='penn', target=penn_9j_layout,
         mapping=penn_9j_mapping),
    dict(type='MaskInvisibleJoints'),
    dict(type='RandomJointDrop', drop_prob=0.8, test_mode=False),
    dict(type='JointJitter', sigma=0.05, test_mode=False),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs'),
]
val_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='UniformSampleFrames', clip_len=32, num_clips=1,
         test_mode=True),
    dict(type='PoseDecode'),
    dict(type='ConvertLayout', source='penn', target=penn_9j_layout,
         mapping=penn_9j_mapping),
    dict(type='MaskInvisibleJoints'),
    dict(type='RandomJointDrop', drop_prob=0.8, test_mode=True),
    dict(type='JointJitter', sigma=0.05, test_mode=True),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs'),
]
test_pipeline = val_pipeline

train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
