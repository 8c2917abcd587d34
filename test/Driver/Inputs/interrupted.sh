# interrupted.sh NLC PROGRAM DIR: runs `NLC --run PROGRAM` with TMPDIR=DIR,
# sends nlc SIGTERM once the program (a child of nlc named nlc-run-*) runs,
# stops the program, then prints how many files are left in DIR.
nlc=$1 program=$2 dir=$3
TMPDIR=$dir "$nlc" --run "$program" &
pid=$!
child=
for i in $(seq 600); do
  # By process name: the link step's command line also names the
  # temporary executable (-o .../nlc-run-*), and matching it there sent
  # SIGTERM before the program existed and left the program running.
  child=$(pgrep -P "$pid" '^nlc-run-')
  [ -n "$child" ] && break
  sleep 0.1
done
[ -n "$child" ] && echo "program started"
kill -TERM "$pid"
wait "$pid"
[ -n "$child" ] && kill -KILL $child
echo "left: $(ls -A "$dir" | wc -l) files"
