# Runs the program $1 $2 times on 8 grid threads and checks every run:
# exit status 101, stdout exactly "before the grid" once, stderr exactly one
# line, a runtime error. Prints the first bad run and exits 1, or "N runs ok".
exe=$1 runs=$2 out=$1.out err=$1.err
for i in $(seq "$runs"); do
  NL_NUM_THREADS=8 "$exe" > "$out" 2> "$err"
  status=$?
  if [ "$status" -ne 101 ] || [ "$(cat "$out")" != "before the grid" ] ||
     [ "$(wc -l < "$err")" -ne 1 ] || ! grep -q "runtime error: kernel" "$err"; then
    echo "run $i: status $status"
    echo "stdout:"; cat "$out"
    echo "stderr:"; cat "$err"
    exit 1
  fi
done
echo "$runs runs ok"
