#!/usr/bin/env bash
# ike_report.sh ROWS.tsv N: the table of bench/ike_bench.sh (medians over
# the runs) and the ikesh / strongSwan ratios.
# Row fields: ROLE PEER PROP MODE EST WALL_MS CPU_MS_PER_SA CPU_OTHER "LAT_MED LAT_P90" RETRANS
set -euo pipefail
rows=$1
n=$2
awk -F'\t' -v n="$n" '
function median(list,   a, k, i, j, t) {
	k = split(list, a, " ")
	for (i = 1; i <= k; i++)		# insertion sort, k is small
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	return k ? a[int((k + 1) / 2)] : "-"
}
{
	key = $1 SUBSEP $2 SUBSEP $3 SUBSEP $4
	if (!(key in seen)) { seen[key] = 1; order[++nk] = key }
	wall[key] = wall[key] " " $6; cpu[key] = cpu[key] " " $7; oth[key] = oth[key] " " $8
	split($9, l, " "); lm[key] = lm[key] " " l[1]; lp[key] = lp[key] " " l[2]
	est[key] = est[key] " " $5; re[key] = re[key] " " $10; runs[key]++
}
END {
	printf "IKE setup, %d x (IKE_SA_INIT + IKE_AUTH + 1 CHILD_SA), PSK; median of the runs\n", n
	printf "%-9s %-10s %-28s %-4s %4s %4s %8s %9s %9s %11s %5s\n", "role", "measured", "proposal",
		"mode", "runs", "est", "SA/s", "cpu ms/SA", "peer cpu", "lat med/p90", "retr"
	for (i = 1; i <= nk; i++) {
		key = order[i]; split(key, f, SUBSEP)
		w = median(wall[key]); rate[key] = w > 0 ? n * 1000 / w : 0; c[key] = median(cpu[key])
		printf "%-9s %-10s %-28s %-4s %4d %4s %8.1f %9s %9s %11s %5s\n", f[1], f[2], f[3], f[4], runs[key],
			median(est[key]), rate[key], c[key], median(oth[key]),
			median(lm[key]) "/" median(lp[key]), median(re[key])
	}
	print ""
	print "ikesh / strongSwan (same role, proposal, mode): >1 SA/s is faster, <1 cpu is cheaper"
	for (i = 1; i <= nk; i++) {
		key = order[i]; split(key, f, SUBSEP)
		if (f[2] != "ikesh") continue
		sk = f[1] SUBSEP "strongswan" SUBSEP f[3] SUBSEP f[4]
		if (!(sk in rate) || rate[sk] == 0 || c[sk] + 0 == 0) continue
		printf "  %-9s %-28s %-4s  SA/s x%.2f   cpu/SA x%.2f\n", f[1], f[3], f[4],
			rate[key] / rate[sk], c[key] / c[sk]
	}
}' "$rows"
