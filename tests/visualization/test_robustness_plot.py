import pytest

from mmpartkd.evaluation import read_csv, write_csv
from mmpartkd.visualization import plot_robustness


def rows():
    out = []
    for model, base in (('a', 0.8), ('b', 0.6)):
        for fam, cells in (('joint_drop', [(0.0, 'none'), (0.5, '0.5')]),
                           ('part_occlusion', [(0.0, 'none'),
                                               (1.0, 'left_arm')]),
                           ('frame_rate', [(0.0, 'none'), (2.0, '2')])):
            for i, (sev, label) in enumerate(cells):
                out.append(dict(model=model, corruption=fam, severity=sev,
                                label=label, top1=round(base - 0.1 * i, 6),
                                num_samples=20))
    return out


def test_csv_round_trip_then_plot(tmp_path):
    path = str(tmp_path / 'r.csv')
    write_csv(rows(), path)
    back = read_csv(path)
    assert back == [dict(r, num_samples=20.0) for r in rows()]
    png = tmp_path / 'r.png'
    plot_robustness(back, str(png), title='t')
    assert png.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'


def test_plot_errors(tmp_path):
    with pytest.raises(ValueError, match='no rows'):
        plot_robustness([], str(tmp_path / 'x.png'))
    with pytest.raises(ValueError, match='metric "top5" missing'):
        plot_robustness(rows(), str(tmp_path / 'x.png'), metric='top5')
    assert not (tmp_path / 'x.png').exists()
