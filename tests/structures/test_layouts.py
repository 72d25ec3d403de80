import numpy as np
import pytest
import torch

from mmpartkd.structures import (LAYOUTS, PART_NAMES, Layout,
                                 get_joint_mapping, get_layout,
                                 register_joint_mapping, register_layout)


@pytest.mark.parametrize('name,num,dims', [('nturgb+d', 25, 3),
                                           ('kinect_v1', 20, 3),
                                           ('penn', 13, 2), ('coco', 17, 2)])
def test_builtin_layouts(name, num, dims):
    layout = get_layout(name)
    assert layout.num_node == num and layout.dims == dims
    assert tuple(layout.parts) == PART_NAMES
    assert len(layout.bones) == num  # one bone per joint
    # every joint belongs to some part
    assert layout.part_mask().max(0).min() == 1
    for a, b in layout.flip_pairs:
        assert a != b


def test_spec_parts_of_nturgb():
    parts = get_layout('nturgb+d').parts
    assert parts['head'] == [2, 3, 20]
    assert parts['left_arm'] == [4, 5, 6, 7, 21, 22]
    assert get_layout('penn').parts['right_leg'] == [8, 10, 12]


def test_penn_tables_carried_over_from_coco():
    penn = get_layout('penn')
    assert penn.parts == dict(
        head=[0], torso=[1, 2, 7, 8], left_arm=[1, 3, 5],
        right_arm=[2, 4, 6], left_leg=[7, 9, 11], right_leg=[8, 10, 12])
    assert penn.flip_pairs == [(1, 2), (3, 4), (5, 6), (7, 8), (9, 10),
                               (11, 12)]
    assert penn.joint_names[:3] == ['head', 'left_shoulder',
                                    'right_shoulder']
    assert penn.joint_names[-1] == 'right_ankle'


def test_ikem_bone_pairs_are_the_layout_bones():
    from mmpartkd.datasets.transforms.modalities import get_ikem_pairs
    ntu = get_layout('nturgb+d')
    assert get_ikem_pairs('nturgb+d').bones == ntu.bones
    assert ntu.bones[20] == (20, 20) and ntu.bones[22] == (22, 7)


def test_joint_mappings():
    m = get_joint_mapping('nturgb+d', 'kinect_v1')
    assert m.tolist() == [0, 1, 20, 3] + list(range(4, 20))
    inv = get_joint_mapping('kinect_v1', 'nturgb+d')
    assert inv[20] == 2 and inv[2] == -1 and (inv[21:] == -1).all()
    assert get_joint_mapping('coco', 'penn').tolist() == [0] + list(
        range(5, 17))
    back = get_joint_mapping('penn', 'coco')
    assert back[:5].tolist() == [0, -1, -1, -1, -1] and back[16] == 12
    with pytest.raises(KeyError, match='no joint mapping'):
        get_joint_mapping('penn', 'nturgb+d')


def test_registering_a_mapping_again():
    """The same mapping again is a no-op; another one for a registered
    pair is refused (the first stays); one may replace a derived inverse."""
    forward = [0] + list(range(5, 17))
    register_joint_mapping('coco', 'penn', forward)
    with pytest.raises(ValueError, match='contradicts the registered'):
        register_joint_mapping('coco', 'penn', [1] + list(range(5, 17)))
    assert get_joint_mapping('coco', 'penn').tolist() == forward
    get_layout(dict(name='test_mapping_target', num_node=2,
                    inward=[(1, 0)], center=0, dims=2,
                    parts=dict(head=[0, 1])))
    register_joint_mapping('penn', 'test_mapping_target', [0, 1])
    assert get_joint_mapping('test_mapping_target', 'penn')[1] == 1
    inverse = [-1] * 13
    inverse[2] = 0
    register_joint_mapping('test_mapping_target', 'penn', inverse)
    assert get_joint_mapping('test_mapping_target', 'penn').tolist() == \
        inverse


def test_stock_graph_accepts_registered_names():
    from mmaction.models.utils import Graph
    g = Graph(layout='kinect_v1', mode='stgcn_spatial')
    assert g.A.shape == (3, 20, 20)
    # stock names keep the stock definition
    assert Graph(layout='nturgb+d', mode='spatial').A.shape == (3, 25, 25)
    from mmaction.models import STGCN
    net = STGCN(graph_cfg=dict(layout='penn', mode='stgcn_spatial'),
                in_channels=3, base_channels=4, num_stages=2)
    assert net(torch.zeros(1, 1, 4, 13, 3)).shape[-1] == 13


def test_bad_layouts_are_refused():
    with pytest.raises(ValueError, match='names joints'):
        Layout(name='bad', num_node=3, inward=[(1, 0)], center=0,
               parts=dict(arm=[0, 5]))
    with pytest.raises(ValueError, match='pair'):
        Layout(name='bad', num_node=3, inward=[(1, 7)], center=0)
    with pytest.raises(KeyError, match='unknown skeleton layout'):
        get_layout('nope')


def test_config_dict_layout_registers_once():
    spec = dict(name='test_rig', num_node=3, inward=[(1, 0), (2, 0)],
                center=0, parts=dict(a=[0, 1], b=[2]))
    layout = get_layout(spec)
    assert 'test_rig' in LAYOUTS and get_layout('test_rig') is layout
    assert get_layout(dict(spec)) is layout  # same definition: no error
    with pytest.raises(KeyError, match='already registered'):
        register_layout(dict(spec, center=1))
    np.testing.assert_array_equal(layout.part_mask(),
                                  [[1, 1, 0], [0, 0, 1]])
