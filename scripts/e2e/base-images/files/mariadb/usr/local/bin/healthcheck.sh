#!/usr/bin/env bash
# healthcheck.sh of the mariadb stand-in, written for this project after the official
# image's interface: the arguments are tests and options, processed in order; the
# script exits 0 when every test passed.
#
#   --connect                    the server accepts connections (over its socket, else
#                                TCP; an authentication error still counts as connected)
#   --innodb_initialized         InnoDB has finished starting (needs a login: USAGE)
#   --innodb_buffer_pool_loaded  the buffer pool load at startup is complete
#   --defaults-file=F --defaults-extra-file=F --defaults-group-suffix=S --no-defaults
#                                client option files used by the tests that follow
#   --datadir=D                  accepted (the official script uses it only for its
#                                mariadbupgrade test, which this one does not have)
#   --su=USER, --su-mysql        re-run as that user
#
# Like the official script, it logs in with <datadir>/.my-healthcheck.cnf from
# /var/lib/mysql only (written by the entrypoint into the server's datadir): with
# another datadir, pass --defaults-extra-file=<datadir>/.my-healthcheck.cnf first.
# The Galera and replication tests of the official script are not implemented.
set -eo pipefail

declare -A def=()
nodefaults=
connected=
datadir=/var/lib/mysql
if [ -f "$datadir/.my-healthcheck.cnf" ]; then
	def[extra_file]=$datadir/.my-healthcheck.cnf
fi

client() {
	mariadb ${nodefaults:+--no-defaults} \
		${def[file]:+--defaults-file=${def[file]}} \
		${def[extra_file]:+--defaults-extra-file=${def[extra_file]}} \
		${def[group_suffix]:+--defaults-group-suffix=${def[group_suffix]}} \
		--skip-ssl "$@"
}

connect() {
	local out
	# Over the socket: the answer is @@skip_networking (0 = the server also listens on TCP).
	out=$(client --protocol=socket -B --skip-column-names -e 'select @@skip_networking' 2>/dev/null) || true
	case "$out" in
		0) connected=0; return 0 ;;
		1) connected=1; return 1 ;;
	esac
	out=$(client --protocol=tcp -h localhost -B --skip-column-names -e 'select @@skip_networking' 2>&1) || true
	case "$out" in
		0) connected=0 ;;
		# Refused logins (access denied, expired password, locked account, too many
		# connections of that user) still prove the server answers.
		'ERROR 1820 (HY000)'* | 'ERROR 4151 (HY000)'* | 'ERROR 1226 (42000)'* | ERROR\ 1[0-9][0-9][0-9]\ \(28000\)*) connected=0 ;;
		*)
			[ -n "$out" ] && [ "$out" != 1 ] && echo "connect: $out" >&2
			connected=1
			;;
	esac
	return "$connected"
}

innodb_initialized() {
	local out
	out=$(client --protocol=socket -B --skip-column-names -e "select 1 from information_schema.ENGINES where engine='innodb' and support in ('YES', 'DEFAULT', 'ENABLED')") || return 1
	[ "$out" = 1 ]
}

innodb_buffer_pool_loaded() {
	local out
	out=$(client --protocol=socket -B --skip-column-names -e "select VARIABLE_VALUE from information_schema.GLOBAL_STATUS where VARIABLE_NAME='Innodb_buffer_pool_load_status'") || return 1
	[[ $out =~ 'load completed' ]]
}

if [ $# -eq 0 ]; then
	echo 'At least one argument required' >&2
	exit 1
fi

while [ $# -gt 0 ]; do
	test=
	case "$1" in
		--su=*) u=${1#*=}; shift; exec gosu "$u" "${BASH_SOURCE[0]}" "$@" ;;
		--su) u=$2; shift 2; exec gosu "$u" "${BASH_SOURCE[0]}" "$@" ;;
		--su-mysql) shift; exec gosu mysql "${BASH_SOURCE[0]}" "$@" ;;
		--datadir=*) datadir=${1#*=} ;;
		--datadir) shift; datadir=$1 ;;
		--no-defaults) def=(); nodefaults=1 ;;
		--defaults-file=* | --defaults-extra-file=* | --defaults-group-suffix=*)
			n=${1#--defaults-}
			n=${n%%=*}
			def[${n//-/_}]=${1#*=}
			nodefaults=
			;;
		--connect | --innodb_initialized | --innodb_buffer_pool_loaded) test=${1#--} ;;
		--*)
			echo "healthcheck unknown option or test '${1#--}' (not in this stand-in)" >&2
			exit 1
			;;
		*)
			echo "Unknown healthcheck option $1" >&2
			exit 1
			;;
	esac
	if [ -n "$test" ] && ! "$test"; then
		echo "healthcheck $test failed" >&2
		exit 1
	fi
	shift
done

# No connect test passed: the other tests alone do not prove the server is up.
if [ "$connected" != 0 ]; then
	connect
	exit $?
fi
