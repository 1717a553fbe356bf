#!/usr/bin/env python3
"""Run vrp-cli on Li & Lim PDPTW instances with one time budget, check its routes independently
and print the gap to the vehicles-first BKS (unrounded Euclidean distances, travel time =
distance), in the columns of `gap pdptw`.

usage: lilim_peer.py BUDGET_S BKS.json INSTANCE.txt...   (VRPCLI=path/to/vrp-cli)
Prints CSV: solver,instance,n,budget_s,wall_s,cost,bks,gap_pct,vehicles,bks_vehicles, then
mean_gap_pct,MEAN,N and vehicles,OURS,BKS.
"""
import json, math, os, pathlib, subprocess, sys, tempfile, time


def load(path):
    lines = [l.split() for l in pathlib.Path(path).read_text().splitlines() if l.strip()]
    cap = int(lines[0][1])
    rows = [[float(x) for x in l] for l in lines[1:]]
    nodes = {int(r[0]): r for r in rows}
    # vrp-cli numbers shipments by their pickup rows (positive demand) in file order.
    pairs = [(int(r[0]), int(r[8])) for r in rows if r[3] > 0]
    return cap, nodes, pairs


def check_and_cost(routes, cap, nodes, pairs):
    """Routes of shipment indices (each twice: pickup, then delivery) -> total distance."""
    d = lambda a, b: math.hypot(nodes[a][1] - nodes[b][1], nodes[a][2] - nodes[b][2])
    seen = [0] * len(pairs)
    total = 0.0
    for r in routes:
        t, load, prev = 0.0, 0, 0
        for k in r:
            node = pairs[k][seen[k]] if seen[k] < 2 else None
            assert node is not None, f'shipment {k} visited more than twice'
            seen[k] += 1
            row = nodes[node]
            t += d(prev, node); total += d(prev, node)
            t = max(t, row[4])
            assert t <= row[5] + 1e-6, f'late at {node}'
            t += row[6]
            load += int(row[3])
            assert 0 <= load <= cap, f'load {load} at {node}'
            prev = node
        assert all(seen[k] == 2 for k in r), 'a shipment split over routes'
        total += d(prev, 0)
        assert t + d(prev, 0) <= nodes[0][5] + 1e-6, 'late at the depot'
    assert all(s == 2 for s in seen), 'not every shipment served'
    return total


def run_vrpcli(path, budget):
    out = tempfile.mktemp(suffix='.txt')
    cmd = [os.environ.get('VRPCLI', 'vrp-cli'), 'solve', 'lilim', path, '-t', str(max(1, round(budget))), '-p', '1,1', '-o', out]
    subprocess.run(cmd, check=True, capture_output=True)
    routes = [[int(x) for x in l.split(':')[1].split()] for l in open(out) if l.startswith('Route')]
    os.remove(out)
    return routes


if __name__ == '__main__':
    budget, bks_path, paths = float(sys.argv[1]), sys.argv[2], sys.argv[3:]
    bks = json.load(open(bks_path))
    print('solver,instance,n,budget_s,wall_s,cost,bks,gap_pct,vehicles,bks_vehicles', flush=True)
    gaps, vehicles, bks_vehicles = [], 0, 0
    for path in paths:
        name = pathlib.Path(path).stem
        cap, nodes, pairs = load(path)
        t = time.perf_counter(); routes = run_vrpcli(path, budget); wall = time.perf_counter() - t
        c = check_and_cost(routes, cap, nodes, pairs)
        b, bv = bks[name]['best_known_cost'], bks[name]['solved_with_vehicles']
        gap = 100 * (c - b) / b
        gaps.append(gap); vehicles += len(routes); bks_vehicles += bv
        print(f'vrpcli,{name},{len(nodes)},{budget:.1f},{wall:.1f},{c:.2f},{b},{gap:.3f},{len(routes)},{bv}', flush=True)
    print(f'mean_gap_pct,{sum(gaps) / max(1, len(gaps)):.3f},{len(gaps)}')
    print(f'vehicles,{vehicles},{bks_vehicles}')
