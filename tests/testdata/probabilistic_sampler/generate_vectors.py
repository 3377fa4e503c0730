#!/usr/bin/env python3
"""Writes the probabilistic_sampler test vectors (*.inc next to this file).

An independent model of the OpenTelemetry Collector's probabilistic_sampler (contrib
processor/probabilisticsamplerprocessor and pkg/sampling), written from its Go source and the
OTEP 235 specification, not from spanflow's C++. float32 arithmetic is emulated with struct;
rounding is done on exact fractions. Run: python3 generate_vectors.py (no arguments).
"""
import math
import os
import random
import struct
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
MAX = 1 << 56


def f32(x):
    return struct.unpack('<f', struct.pack('<f', x))[0]


def fnv1a32(data):
    h = 2166136261
    for b in data:
        h ^= b
        h = (h * 16777619) & 0xFFFFFFFF
    return h


def hash_seed_rate(pct_text):
    pct = f32(float(pct_text))          # YAML float64, stored in a float32
    if pct > 100:
        pct = f32(100.0)
    # float32 * float32 is exact in float64 (48 bits), so one rounding to float32 is Go's.
    return int(f32(pct * f32(163.84)))  # uint32() truncates


def hash_seed_randomness(h):
    bucket = h & 0x3FFF
    unused = h >> 18
    mixed = unused ^ (unused << 10)
    return ((0x3FFF - bucket) << 42) | (mixed << 14) | bucket


def th_text(t):
    return '0' if t == 0 else format(t, '014x').rstrip('0')


def go_round(x):
    f = Fraction(x)
    return int(f + Fraction(1, 2)) if f >= 0 else -int(-f + Fraction(1, 2))


def prob_to_threshold(p, prec):
    if not (2.0 ** -56 <= p <= 1.0):
        return None
    if p == 1.0:
        return 0
    _, ef = math.frexp(p)
    _, er = math.frexp(1 - p)
    prec = min(14, max(prec + (-ef) // 4, prec + (-er) // 4))
    t = MAX - go_round(p * float(MAX))
    shift = 4 * (14 - prec)
    if shift:
        t = ((t + (1 << (shift - 1))) >> shift) << shift
    return t


def threshold_prob(t):
    return float(MAX - t) / float(MAX)


def c_str(s):
    return '"' + s + '"'


def hash_seed_table():
    rng = random.Random(20240611)
    ids = ['00000000000000000000000000000001', 'ffffffffffffffffffffffffffffffff',
           '0123456789abcdef0123456789abcdef', '5b8efff798038103d269b633813fc60c',
           '4bf92f3577b34da6a3ce929d0e0e4736']
    ids += ['%032x' % rng.getrandbits(128) for _ in range(27)]
    seeds = [0, 1, 22, 12345, 4294967295]
    # 65.802 and 97.052 truncate one lower when the percentage is kept as a float64.
    pcts = ['0', '0.0061', '0.0062', '10', '25', '33.3', '50', '65.802', '97.052', '99.99', '100',
            '150']
    rows = []
    for tid in ids:
        for seed in seeds:
            h = fnv1a32(struct.pack('<I', seed) + bytes.fromhex(tid))
            for pct in pcts:
                rate = hash_seed_rate(pct)
                keep = rate > 0 and (h & 0x3FFF) < rate
                ts = ''
                if keep:
                    rv = format(hash_seed_randomness(h), '014x')
                    ts = 'ot=rv:%s;th:%s' % (rv, th_text((0x4000 - rate) << 42))
                rows.append('{%s, %du, %s, %s, %s},' % (c_str(tid), seed, c_str(pct),
                                                       'true' if keep else 'false', c_str(ts)))
    return rows


def threshold_table():
    probs = [1.0, 0.5, 0.25, 0.125, 0.0625, 0.1, 0.2, 1 / 3, 0.01, 0.001, 1e-4, 1e-5, 1e-6,
             0.75, 0.9, 0.999, 0.9999999, 2.0 ** -56, 2.0 ** -40, 0.3329999923706055]
    rows = []
    for p in probs:
        for prec in [1, 3, 4, 5, 14]:
            t = prob_to_threshold(p, prec)
            rows.append('{%s, %d, %s},' % (p.hex(), prec, c_str(th_text(t))))
    return rows


def consistent_table():
    """proportional / equalizing with an explicit rv and an arriving th."""
    rng = random.Random(7)
    arriving = [None, '0', '8', 'c', 'e666', 'fd70a']
    pcts = ['100', '50', '33.3', '10', '1']
    rows = []
    for mode in ['proportional', 'equalizing']:
        for fail_closed in [True, False]:
            for th in arriving:
                for pct in pcts:
                    for _ in range(3):
                        rv = rng.getrandbits(56)
                        rv_text = format(rv, '014x')
                        tracestate = 'ot=rv:%s' % rv_text + (';th:%s' % th if th else '') + ',vendor=x'
                        arr_t = None if th is None else int(th.ljust(14, '0'), 16)
                        ratio = float(f32(float(pct))) / 100.0
                        error = arr_t is not None and rv < arr_t
                        out_th = arr_t
                        if error:
                            out_th = None                         # cleared as inconsistent
                            t = MAX if fail_closed else 0
                        elif mode == 'proportional':
                            incoming = 1.0 if arr_t is None else threshold_prob(arr_t)
                            t = prob_to_threshold(incoming * ratio, 4)
                            t = MAX if t is None else t
                        else:
                            own = prob_to_threshold(ratio, 4)
                            t = arr_t if arr_t is not None and own < arr_t else own
                        keep = rv >= t
                        out = ''
                        if keep:
                            if out_th is None or out_th <= t:
                                new_th = th_text(t)
                            else:
                                new_th = th                       # never lowered
                            out = 'ot=rv:%s;th:%s,vendor=x' % (rv_text, new_th)
                        rows.append('{%s, %s, %s, %s, %s, %s},' % (
                            c_str(mode), 'true' if fail_closed else 'false', c_str(pct),
                            c_str(tracestate), 'true' if keep else 'false', c_str(out)))
    return rows


def write(name, comment, rows):
    with open(os.path.join(HERE, name), 'w') as f:
        f.write('// Generated by generate_vectors.py: %s\n' % comment)
        f.write('\n'.join(rows) + '\n')


write('hash_seed_vectors.inc', '{trace id, hash_seed, sampling_percentage, kept, tracestate}',
      hash_seed_table())
write('threshold_vectors.inc', '{probability, sampling_precision, th}', threshold_table())
write('consistent_vectors.inc',
      '{mode, fail_closed, sampling_percentage, arriving tracestate, kept, tracestate}',
      consistent_table())
