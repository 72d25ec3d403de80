from setuptools import find_packages, setup


def readme() -> str:
    with open('README.md', encoding='utf-8') as f:
        return f.read()


def version() -> str:
    scope = {}
    with open('mmpartkd/version.py', encoding='utf-8') as f:
        exec(f.read(), scope)
    return scope['__version__']


def requirements(path: str) -> list:
    with open(path, encoding='utf-8') as f:
        return [ln.strip() for ln in f if ln.strip() and not ln.startswith('#')]


setup(
    name='mmpartkd',
    version=version(),
    description='Skeleton action recognition on low-quality skeletons for '
    'mmaction2 1.x: part-level knowledge distillation and IKEM',
    long_description=readme(),
    long_description_content_type='text/markdown',
    packages=find_packages(include=['mmpartkd', 'mmpartkd.*']),
    python_requires='>=3.8',
    # torch is declared loosely on purpose: users keep the build they have
    # (GPU builds included). The Makefile installs the CPU torch==2.13.0
    # first only when no torch is importable.
    install_requires=['torch>=1.13'] + requirements('requirements/runtime.txt'),
    extras_require=dict(tests=requirements('requirements/tests.txt')),
    license='Apache-2.0',
    zip_safe=False)
