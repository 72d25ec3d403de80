import numpy as np

from mmpartkd.datasets.synthetic import (SYNTHETIC_CLASS_PARTS,
                                         SYNTHETIC_CLASSES,
                                         generate_synthetic_dataset)
from mmpartkd.structures import PART_NAMES


def test_deterministic_and_well_formed():
    a = generate_synthetic_dataset(num_subjects=4, samples_per_class=1,
                                   num_frames=(20, 30), seed=3)
    b = generate_synthetic_dataset(num_subjects=4, samples_per_class=1,
                                   num_frames=(20, 30), seed=3)
    c = generate_synthetic_dataset(num_subjects=4, samples_per_class=1,
                                   num_frames=(20, 30), seed=4)
    assert len(a['annotations']) == 4 * len(SYNTHETIC_CLASSES) >= 8
    for x, y in zip(a['annotations'], b['annotations']):
        np.testing.assert_array_equal(x['keypoint'], y['keypoint'])
    assert not np.allclose(a['annotations'][0]['keypoint'][:, :20],
                           c['annotations'][0]['keypoint'][:, :20])
    for ann in a['annotations']:
        kp = ann['keypoint']
        assert kp.dtype == np.float32 and kp.shape[0] == 1
        assert kp.shape[2:] == (25, 3) and 20 <= kp.shape[1] <= 30
        assert ann['total_frames'] == kp.shape[1]
        assert np.isfinite(kp).all()


def test_subject_wise_split():
    data = generate_synthetic_dataset(num_subjects=8, samples_per_class=1,
                                      num_frames=(16, 16))
    subject = {a['frame_dir']: a['subject'] for a in data['annotations']}
    train = {subject[f] for f in data['split']['xsub_train']}
    val = {subject[f] for f in data['split']['xsub_val']}
    assert train and val and not train & val


def _motion(ann, joints):
    """Spread of the joints' positions relative to the spine base."""
    kp = ann['keypoint'][0]
    return (kp[:, joints] - kp[:, [0]]).std(axis=0).mean()


def test_classes_move_their_parts():
    data = generate_synthetic_dataset(num_subjects=6, samples_per_class=1)
    by = {}
    for ann in data['annotations']:
        by.setdefault(SYNTHETIC_CLASSES[ann['label']], []).append(ann)
    def hand_height(ann, hand):  # above the spine shoulder, metres
        kp = ann['keypoint'][0]
        return (kp[:, hand, 1] - kp[:, 20, 1]).mean()

    for side, (hand, other) in dict(left=(7, 11), right=(11, 7)).items():
        waving = by[f'wave_{side}_hand']
        assert np.mean([hand_height(a, hand) for a in waving]) > 0.2
        assert np.mean([hand_height(a, other) for a in waving]) < 0
    kick_r = np.mean([_motion(a, [18, 19]) for a in by['kick_right_leg']])
    kick_r_l = np.mean([_motion(a, [14, 15]) for a in by['kick_right_leg']])
    assert kick_r > 1.5 * kick_r_l
    # jumping lifts the feet off the ground, squatting does not
    feet_y = lambda a: a['keypoint'][0][:, [15, 19], 1].min(1)  # noqa: E731
    assert np.mean([np.ptp(feet_y(a)) for a in by['jump']]) > \
        2 * np.mean([np.ptp(feet_y(a)) for a in by['squat']])


def test_class_parts_are_the_exported_ground_truth():
    assert tuple(SYNTHETIC_CLASS_PARTS) == SYNTHETIC_CLASSES
    for name, parts in SYNTHETIC_CLASS_PARTS.items():
        assert parts and parts <= set(PART_NAMES), name
    # whole-body classes move the head and torso with the body
    for name in ('squat', 'jump', 'bow'):
        assert {'head', 'torso'} <= SYNTHETIC_CLASS_PARTS[name]
    assert SYNTHETIC_CLASS_PARTS['kick_left_leg'] == {'left_leg'}
