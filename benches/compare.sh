#!/usr/bin/env bash
# Runs milkrun's gap harness and a peer solver side by side (one core each, same budget, same
# time), writing both CSVs to OUT. Peers come from ../shared/tools/peers (setup.sh VENV first).
# usage: benches/compare.sh cvrp|solomon|vrptw|hfvrp|vrpb|mtvrptwr|pdptw BUDGET OUT [VENV]
#   cvrp BUDGET = seconds per 100 nodes on ../shared/data/CVRP
#   solomon BUDGET = seconds per instance on ../shared/data/solomon
#   vrptw BUDGET = seconds per 100 nodes on ../shared/data/VRPTW (PyVRP via vrplib_peers.py)
#   hfvrp BUDGET = seconds per 100 nodes on ../shared/data/HFVRP (PyVRP via vrplib_peers.py)
#   vrpb BUDGET = seconds per 100 nodes on ../shared/data/VRPB (PyVRP via vrplib_peers.py)
#   mtvrptwr BUDGET = seconds per 100 nodes on ../shared/data/MTVRPTWR (PyVRP via vrplib_peers.py)
#   pdptw BUDGET = seconds per instance on ../shared/data/li_lim_100 (vrp-cli via benches/lilim_peer.py;
#     VENV/bin/vrp-cli from `cargo install vrp-cli --version 1.25.0 --root VENV`); vehicles summed too
set -eu
kind=$1 budget=$2 out=$3 venv=${4:-/tmp/milkrun-peers}
root=$(cd "$(dirname "$0")/.." && pwd)
data=$root/../shared/data peers=$root/../shared/tools/peers
mkdir -p "$out"
cargo build --release -q -p milkrun-benches --bin gap
gap=$root/target/release/gap
case $kind in
  cvrp)
    "$gap" cvrp "$data/CVRP" --per100 "$budget" > "$out/milkrun-cvrp-$budget.csv" &
    "$venv/bin/python" "$peers/cvrp_peers.py" pyvrp "$budget" "$data"/CVRP/*.vrp > "$out/pyvrp-cvrp-$budget.csv" ;;
  solomon)
    "$gap" vrptw "$data/solomon" --seconds "$budget" > "$out/milkrun-solomon-$budget.csv" &
    "$venv/bin/python" "$peers/vrptw_peers.py" pyvrp "$budget" "$data/solomon/BKS.json" "$data"/solomon/*.txt > "$out/pyvrp-solomon-$budget.csv" ;;
  vrptw)
    "$gap" vrptw "$data/VRPTW" --per100 "$budget" > "$out/milkrun-vrptw-$budget.csv" &
    "$venv/bin/python" "$peers/vrplib_peers.py" VRPTW "$budget" "$data"/VRPTW/*.vrp > "$out/pyvrp-vrptw-$budget.csv" ;;
  hfvrp)
    "$gap" hfvrp "$data/HFVRP" --per100 "$budget" > "$out/milkrun-hfvrp-$budget.csv" &
    "$venv/bin/python" "$peers/vrplib_peers.py" HFVRP "$budget" "$data"/HFVRP/*.vrp > "$out/pyvrp-hfvrp-$budget.csv" ;;
  vrpb)
    "$gap" vrpb "$data/VRPB" --per100 "$budget" > "$out/milkrun-vrpb-$budget.csv" &
    "$venv/bin/python" "$peers/vrplib_peers.py" VRPB "$budget" "$data"/VRPB/*.vrp > "$out/pyvrp-vrpb-$budget.csv" ;;
  mtvrptwr)
    "$gap" mtvrptwr "$data/MTVRPTWR" --per100 "$budget" > "$out/milkrun-mtvrptwr-$budget.csv" &
    "$venv/bin/python" "$peers/vrplib_peers.py" MTVRPTWR "$budget" "$data"/MTVRPTWR/*.vrp > "$out/pyvrp-mtvrptwr-$budget.csv" ;;
  pdptw)
    "$gap" pdptw "$data/li_lim_100" --seconds "$budget" > "$out/milkrun-pdptw-$budget.csv" &
    VRPCLI="$venv/bin/vrp-cli" python3 "$root/benches/lilim_peer.py" "$budget" "$data/li_lim_100/BKS.json" "$data"/li_lim_100/*.txt > "$out/vrpcli-pdptw-$budget.csv" ;;
  *) echo "unknown kind $kind" >&2; exit 2 ;;
esac
wait
for f in "$out"/*-"$kind"-"$budget".csv; do
  # (gap_pct is the last column, or the 8th where vehicles follow it.)
  awk -F, -v f="$(basename "$f")" '$1!="solver" && $1!="mean_gap_pct" && $1!="infeasible" && $1!="vehicles" {g = NF > 8 ? $8 : $NF; s+=g; n++; v+=$9; b+=$10} END {printf "%s: mean gap %.3f%% over %d instances", f, s/n, n; if (b > 0) printf ", %d vehicles (BKS %d)", v, b; printf "\n"}' "$f"
done
