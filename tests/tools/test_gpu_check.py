"""``tools/benchmarks/gpu_check.py`` (the one script to run on a CUDA
machine) runs its correctness checks and timings on the CPU as well."""
import re

from mmpartkd.testing import run_tool


def test_gpu_check_on_cpu(repo_root):
    out = run_tool(repo_root, 'tools/benchmarks/gpu_check.py', '--device',
                   'cpu', '--sizes', 'tiny', '--repeats', '2', '--warmup',
                   '1', check=False)
    text = out.stdout + out.stderr
    assert out.returncode == 0, text[-4000:]
    assert 'all checks passed' in out.stdout
    assert not re.search(r'^FAIL', out.stdout, re.M), out.stdout
    passed = re.findall(r'^PASS (.*?):', out.stdout, re.M)
    # every group ran: loss (3 modes), head, distiller (3 batches), each in
    # float32 and both half dtypes
    for what in ('loss multi', 'loss supcon', 'loss paired', 'head',
                 'distiller float32', 'distiller bfloat16 autocast',
                 'distiller float16 autocast'):
        assert any(p.startswith(what) for p in passed), (what, passed)
    for batch in ('all paired', 'none paired', 'half paired'):
        assert any(batch in p for p in passed), batch
    assert len(passed) >= 40, passed
    # the timing table: a row per precision with ratios and memory
    rows = re.findall(r'^\| tiny \(4, 16, 8, 1\), (fp32|AMP) \|(.*)\|$',
                      out.stdout, re.M)
    assert [r[0] for r in rows] == ['fp32', 'AMP'], out.stdout[-2000:]
    for _, cells in rows:
        assert len(cells.split('|')) == 6
