#!/usr/bin/env bash
# Entrypoint of the mariadb stand-in (scripts/e2e/base-images/mariadb.Containerfile),
# written for this project to the documented interface of the official image's.
#
# First start (no `mysql` folder in the datadir) needs one of
#   MARIADB_ROOT_PASSWORD[_FILE], MARIADB_ALLOW_EMPTY_ROOT_PASSWORD, MARIADB_RANDOM_ROOT_PASSWORD
# and then creates
#   MARIADB_DATABASE[_FILE]                 a database,
#   MARIADB_USER[_FILE] + MARIADB_PASSWORD[_FILE]  user@'%' (all privileges on that database),
#   root@MARIADB_ROOT_HOST (default '%') and root@localhost with the root password,
#   healthcheck@localhost/127.0.0.1/::1 and <datadir>/.my-healthcheck.cnf for healthcheck.sh,
# loads the time zone tables (unless MARIADB_INITDB_SKIP_TZINFO) and runs
# /docker-entrypoint-initdb.d/*.sh|*.sql|*.sql.gz. Every MARIADB_X also accepts the
# official image's alias MYSQL_X (MYSQL_ALLOW_EMPTY_PASSWORD for the empty root password).
#
# The datadir, socket and port are the server's own settings for the given arguments
# (`mariadbd --datadir=/var/lib/mysql/data` is honoured). Started as root it prepares
# the folders and re-runs itself as mysql (uid 999) with gosu; as uid 999 with a
# read-only root filesystem it only writes the datadir, /run/mysqld and /tmp.
set -eo pipefail
shopt -s nullglob

note() { printf '%s [Note] [Entrypoint]: %s\n' "$(date --rfc-3339=seconds)" "$*"; }
warn() { printf '%s [Warn] [Entrypoint]: %s\n' "$(date --rfc-3339=seconds)" "$*" >&2; }
die() {
	printf '%s [ERROR] [Entrypoint]: %s\n' "$(date --rfc-3339=seconds)" "$*" >&2
	exit 1
}

# file_env VAR [DEFAULT]: VAR's value from $VAR, or from the file named by $VAR_FILE.
file_env() {
	local var=$1 file_var="${1}_FILE" value=${2:-}
	if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then
		die "Both $var and $file_var are set (but are exclusive)"
	fi
	if [ -n "${!var:-}" ]; then
		value=${!var}
	elif [ -n "${!file_var:-}" ]; then
		value=$(<"${!file_var}")
	fi
	export "$var=$value"
	unset "$file_var"
}

# maria_env NAME [DEFAULT]: MARIADB_NAME, falling back to MYSQL_NAME; both end up equal.
maria_env() {
	local name=$1 maria="MARIADB_$1" mysql="MYSQL_$1"
	file_env "$mysql" "${2:-}"
	file_env "$maria" "${!mysql}"
	export "$mysql=${!maria}"
}

# True when the arguments ask mariadbd for help or its version (nothing to prepare).
wants_help() {
	local arg
	for arg; do
		case "$arg" in
			-'?' | --help | --print-defaults | -V | --version) return 0 ;;
		esac
	done
	return 1
}

# setting NAME CMD...: the value of a server setting as `CMD --verbose --help` prints it.
setting() {
	local name=$1
	shift
	"$@" --verbose --help 2>/dev/null | awk -v name="$name" '$1 == name && /^[^ \t]/ { sub(/^[^ \t]+[ \t]+/, ""); print; exit }'
}

setup_env() {
	local errors
	if ! errors=$("$@" --verbose --help 2>&1 >/dev/null); then
		die "mariadbd failed while checking its configuration: $* --verbose --help"$'\n'"$errors"
	fi
	DATADIR=$(setting datadir "$@")
	DATADIR=${DATADIR%/}
	SOCKET=$(setting socket "$@")
	PORT=$(setting port "$@")

	maria_env ROOT_HOST '%'
	maria_env DATABASE
	maria_env USER
	maria_env PASSWORD
	maria_env ROOT_PASSWORD
	: "${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:=${MYSQL_ALLOW_EMPTY_PASSWORD:-}}"
	: "${MARIADB_RANDOM_ROOT_PASSWORD:=${MYSQL_RANDOM_ROOT_PASSWORD:-}}"
	: "${MARIADB_INITDB_SKIP_TZINFO:=${MYSQL_INITDB_SKIP_TZINFO:-}}"
	export MARIADB_ALLOW_EMPTY_ROOT_PASSWORD MYSQL_ALLOW_EMPTY_PASSWORD=$MARIADB_ALLOW_EMPTY_ROOT_PASSWORD
	export MARIADB_RANDOM_ROOT_PASSWORD MYSQL_RANDOM_ROOT_PASSWORD=$MARIADB_RANDOM_ROOT_PASSWORD
	export MARIADB_INITDB_SKIP_TZINFO MYSQL_INITDB_SKIP_TZINFO=$MARIADB_INITDB_SKIP_TZINFO
}

# The datadir (created if missing, e.g. a sub-folder of a volume) and the socket folder;
# as root, also hand them to mysql.
create_directories() {
	mkdir -p "$DATADIR"
	if [ "$(id -u)" = 0 ]; then
		find "$DATADIR" \! -user mysql -exec chown mysql:mysql '{}' +
		find "${SOCKET%/*}" -maxdepth 0 \! -user mysql -exec chown mysql:mysql '{}' \;
	fi
}

require_root_password_choice() {
	if [ -z "$MARIADB_ROOT_PASSWORD" ] && [ -z "$MARIADB_ALLOW_EMPTY_ROOT_PASSWORD" ] && [ -z "$MARIADB_RANDOM_ROOT_PASSWORD" ]; then
		die $'Database is uninitialized and password option is not specified\n\tYou need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD'
	fi
}

# A string for a single-quoted SQL literal: backslashes and quotes escaped.
sql_string() {
	local s=${1//\\/\\\\}
	s=${s//$'\n'/\\n}
	printf '%s' "${s//\'/\\\'}"
}

random_password() {
	local chars
	chars=$(head -c 512 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9')
	printf '%s' "${chars:0:32}"
}

# Root on the local socket; the root password once it is set.
client() {
	MYSQL_PWD=${ROOT_PWD:-} mariadb --protocol=socket -uroot -hlocalhost --socket="$SOCKET" "$@"
}

init_datadir() {
	note 'Initializing database files'
	local args=() arg
	# mariadb-install-db passes its other options to the server; it cannot take spaces.
	for arg in "${@:2}"; do
		if [[ $arg =~ [[:space:]] ]]; then
			warn "Not passing argument '$arg' to mariadb-install-db (it does not support spaces)"
		else
			args+=("$arg")
		fi
	done
	mariadb-install-db --datadir="$DATADIR" --rpm --auth-root-authentication-method=normal "${args[@]}" \
		--skip-test-db --default-time-zone=SYSTEM --enforce-storage-engine= --skip-log-bin \
		--expire-logs-days=0 --loose-innodb_buffer_pool_load_at_startup=0 \
		--loose-innodb_buffer_pool_dump_at_shutdown=0
	note 'Database files initialized'
}

# The server on its socket only, for the setup steps.
temp_server_start() {
	"$@" --skip-networking --default-time-zone=SYSTEM --socket="$SOCKET" --wsrep_on=OFF \
		--expire-logs-days=0 --loose-innodb_buffer_pool_load_at_startup=0 &
	SERVER_PID=$!
	note 'Waiting for server startup'
	local i
	for i in $(seq 30); do
		if client --database=mysql -e 'SELECT 1' >/dev/null 2>&1; then
			return 0
		fi
		if ! kill -0 "$SERVER_PID" 2>/dev/null; then
			die 'Unable to start server.'
		fi
		sleep 1
	done
	die "Unable to start server (not answering after $i s)."
}

temp_server_stop() {
	kill "$SERVER_PID"
	wait "$SERVER_PID"
}

setup_db() {
	if [ -z "$MARIADB_INITDB_SKIP_TZINFO" ]; then
		mariadb-tzinfo-to-sql --skip-write-binlog /usr/share/zoneinfo | client --database=mysql
	fi
	if [ -n "$MARIADB_RANDOM_ROOT_PASSWORD" ]; then
		MARIADB_ROOT_PASSWORD=$(random_password)
		export MARIADB_ROOT_PASSWORD MYSQL_ROOT_PASSWORD=$MARIADB_ROOT_PASSWORD
		note "GENERATED ROOT PASSWORD: $MARIADB_ROOT_PASSWORD"
	fi

	local root_pw sql
	root_pw=$(sql_string "$MARIADB_ROOT_PASSWORD")
	sql="SET @@SESSION.SQL_LOG_BIN=0;
SET @@SESSION.SQL_MODE=REPLACE(@@SESSION.SQL_MODE, 'NO_BACKSLASH_ESCAPES', '');
DROP USER IF EXISTS root@'127.0.0.1', root@'::1';
EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS root@\\'', @@hostname, '\\'');
SET PASSWORD FOR 'root'@'localhost' = PASSWORD('$root_pw');
"
	if [ -n "$MARIADB_ROOT_HOST" ] && [ "$MARIADB_ROOT_HOST" != localhost ]; then
		sql+="CREATE USER 'root'@'$MARIADB_ROOT_HOST' IDENTIFIED BY '$root_pw';
GRANT ALL ON *.* TO 'root'@'$MARIADB_ROOT_HOST' WITH GRANT OPTION;
GRANT PROXY ON ''@'%' TO 'root'@'$MARIADB_ROOT_HOST' WITH GRANT OPTION;
"
	fi

	# healthcheck.sh logs in with this user (USAGE only) from <datadir>/.my-healthcheck.cnf.
	local hc_pw host
	hc_pw=$(random_password)
	for host in 127.0.0.1 ::1 localhost; do
		sql+="CREATE USER IF NOT EXISTS healthcheck@'$host' IDENTIFIED BY '$hc_pw';
SET PASSWORD FOR healthcheck@'$host' = PASSWORD('$hc_pw');
GRANT ${MARIADB_HEALTHCHECK_GRANTS:-USAGE} ON *.* TO healthcheck@'$host';
"
	done
	(
		umask 0077
		printf '[mariadb-client]\nport=%s\nsocket=%s\nuser=healthcheck\npassword=%s\n' "$PORT" "$SOCKET" "$hc_pw" >"$DATADIR/.my-healthcheck.cnf"
	)

	sql+="SET @@SESSION.SQL_LOG_BIN=1;
"
	if [ -n "$MARIADB_DATABASE" ]; then
		note "Creating database $MARIADB_DATABASE"
		sql+="CREATE DATABASE IF NOT EXISTS \`$MARIADB_DATABASE\`;
"
	fi
	if [ -n "$MARIADB_USER" ] && [ -n "$MARIADB_PASSWORD" ]; then
		note "Creating user $MARIADB_USER"
		sql+="CREATE USER '$MARIADB_USER'@'%' IDENTIFIED BY '$(sql_string "$MARIADB_PASSWORD")';
"
		if [ -n "$MARIADB_DATABASE" ]; then
			note "Giving user $MARIADB_USER access to schema $MARIADB_DATABASE"
			sql+="GRANT ALL ON \`${MARIADB_DATABASE//_/\\_}\`.* TO '$MARIADB_USER'@'%';
"
		fi
	fi
	note 'Securing system users (equivalent to running mysql_secure_installation)'
	client --database=mysql --binary-mode <<<"$sql"
}

run_init_files() {
	local f db=()
	[ -n "$MARIADB_DATABASE" ] && db=(--database="$MARIADB_DATABASE")
	for f in /docker-entrypoint-initdb.d/*; do
		case "$f" in
			*.sh)
				if [ -x "$f" ]; then
					note "$0: running $f"
					"$f"
				else
					note "$0: sourcing $f"
					# shellcheck source=/dev/null
					. "$f"
				fi
				;;
			*.sql) note "$0: running $f"; ROOT_PWD=$MARIADB_ROOT_PASSWORD client "${db[@]}" <"$f" ;;
			*.sql.gz) note "$0: running $f"; gunzip -c "$f" | ROOT_PWD=$MARIADB_ROOT_PASSWORD client "${db[@]}" ;;
			*) warn "$0: ignoring $f" ;;
		esac
	done
}

main() {
	# Options alone are options of mariadbd.
	if [ "${1:0:1}" = - ]; then
		set -- mariadbd "$@"
	fi

	if { [ "$1" = mariadbd ] || [ "$1" = mysqld ]; } && ! wants_help "$@"; then
		note "Entrypoint script for MariaDB Server $(mariadbd --version | awk '{print $3}') started."
		setup_env "$@"
		create_directories
		if [ "$(id -u)" = 0 ]; then
			note "Switching to dedicated user 'mysql'"
			exec gosu mysql "${BASH_SOURCE[0]}" "$@"
		fi

		if [ ! -d "$DATADIR/mysql" ]; then
			require_root_password_choice
			# Fail now, not half-way, if the init folder cannot be read.
			ls /docker-entrypoint-initdb.d/ >/dev/null
			init_datadir "$@"
			note 'Starting temporary server'
			temp_server_start "$@"
			note 'Temporary server started.'
			setup_db
			run_init_files
			note 'Stopping temporary server'
			temp_server_stop
			note 'Temporary server stopped'
			note 'MariaDB init process done. Ready for start up.'
		fi
	fi
	exec "$@"
}

main "$@"
