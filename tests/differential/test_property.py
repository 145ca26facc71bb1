"""Randomised differential test: seeded random sequences of string/key commands must get the same
replies from both servers. Seeds are fixed, so a failure names its seed and reproduces with
`-k 'seed-<n>'`. Every fifth sequence runs after `HELLO 3`."""

import pytest

from random_script import random_steps
from steps import Script, hello

SEQUENCES = 300
COMMANDS_PER_SEQUENCE = 30


def _script(seed: int) -> Script:
    steps = random_steps(seed, COMMANDS_PER_SEQUENCE)
    if seed % 5 == 4:
        return Script([hello("HELLO", "3"), *steps], resp=3)
    return Script(steps)


@pytest.mark.parametrize("seed", range(SEQUENCES), ids=lambda seed: f"seed-{seed}")
def test_random_sequence(differ, seed):
    script = _script(seed)
    differ.check(script, first_only=True, header=f"seed {seed} (RESP{script.resp}); replies up to the first difference:")
