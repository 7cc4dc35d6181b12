# Count the top-level test cases of one KTAP document.
# Input variable rc: the exit status of the program that printed it.
# Output: "PASSED FAILED SKIPPED". Results a plan announced but never
# printed (a crash) count as failed; so does a non-zero exit with no failed
# case (4 is kselftest's "all skipped"), and no result at all, unless the
# exit status is 4.
/^ok [0-9]+/ {
	if (tolower($0) ~ /# skip/)
		s++
	else
		p++
	next
}
/^not ok [0-9]+/ {
	f++
	next
}
/^1\.\.[0-9]+/ {
	if (!plan) {
		sub(/^1\.\./, "")
		plan = $0 + 0
	}
}
END {
	done = p + f + s
	if (plan > done)
		f += plan - done
	if (done == 0 && plan == 0) {
		if (rc == 4)
			s++ # kselftest's "skipped": nothing could run
		else
			f++
	}
	if (rc != 0 && rc != 4 && f == 0)
		f++
	printf "%d %d %d\n", p, f, s
}
