"""Helpers shared by the Brian2 reference scripts (output directory, JSON writing, versions).

Every script is run as `/usr/bin/python3 scripts/reference/<name>.py [--out DIR]` and writes
DIR/<name>.json (default DIR: test/reference, relative to the repository root). The JSON is
written deterministically (sorted keys, no timestamps, no wall times) so that a rerun gives a
byte-identical file; floats are written with Python's shortest round-trip repr unless a script
rounds them on purpose (and says so in its "units"/"rounding" fields).
"""
import argparse
import json
import math
import os
import platform
import sys
import warnings

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
DEFAULT_OUT = os.path.join(REPO, 'test', 'reference')

# Brian2 2.5.1 on Debian imports pythran, which prints FutureWarnings about numpy aliases.
warnings.filterwarnings('ignore', category=FutureWarning)
warnings.filterwarnings('ignore', category=DeprecationWarning)


def parse_args(description, extra=None):
    p = argparse.ArgumentParser(description=description)
    p.add_argument('--out', default=DEFAULT_OUT,
                   help='output directory (default: test/reference of the repository)')
    if extra:
        extra(p)
    return p.parse_args()


def versions():
    import brian2
    import numpy
    return {
        'brian2': brian2.__version__,
        'numpy': numpy.__version__,
        'python': platform.python_version(),
    }


def generated_by(script):
    import brian2
    return f'scripts/reference/{script} (Brian2 {brian2.__version__}, /usr/bin/python3)'


def _check_finite(x, path='$'):
    if isinstance(x, float) and not math.isfinite(x):
        raise ValueError(f'non-finite number at {path}')
    if isinstance(x, dict):
        for k, v in x.items():
            _check_finite(v, f'{path}.{k}')
    elif isinstance(x, (list, tuple)):
        for i, v in enumerate(x):
            _check_finite(v, f'{path}[{i}]')


def write_json(out_dir, name, payload):
    """Write DIR/name.json: compact, sorted keys, finite numbers only, newline at the end."""
    _check_finite(payload)
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, f'{name}.json')
    text = json.dumps(payload, sort_keys=True, separators=(',', ':'), allow_nan=False)
    with open(path, 'w') as f:
        f.write(text)
        f.write('\n')
    print(f'wrote {path} ({len(text) / 1024:.0f} kB)', file=sys.stderr)
    return path


def fl(a):
    """numpy array / scalar -> list of Python floats (full precision)."""
    import numpy as np
    return [float(x) for x in np.asarray(a, dtype=np.float64).ravel()]


def ints(a):
    import numpy as np
    return [int(x) for x in np.asarray(a).ravel()]
