/*
 * fleet_make.c - a fleet run of make (dbrev-fleet.mk): the listing make
 * reads (names only), and the run directory its per-database targets
 * share (dbrev/fleet.h).  Everything in it is written whole (a temporary
 * name renamed) and read back strictly: what is not exactly what this
 * file writes is not trusted.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dbrev/fleet.h"
#include "dbrev/mkname.h"

#define PLAN_MAGIC	"dbrev-fleet-plan 1"
#define PLAN_LINES	13
#define PLAN_MAX	(64u << 20)
#define STALE_S		(7 * 24 * 3600)	/* a run dir untouched this long */
#define RUN_PREFIX	"fleet-run."
#define NAMES_PER_LINE	8

/* --- The listing. --- */

static void
names(struct dbrev_buf *out, const char *var, const struct dbrev_fleet *f,
    const struct dbrev_fleet_result *known, int canary)
{
	size_t i, k = 0;

	dbrev_buf_printf(out, "%s :=", var);
	for (i = 0; i < f->n; i++) {
		if (!f->db[i].selected || f->db[i].canary != canary ||
		    (known != NULL && known[i].outcome != DBREV_FLEET_NOT_RUN))
			continue;
		/* Names are [A-Za-z0-9._-]: make reads them as themselves. */
		dbrev_buf_printf(out, "%s%s", k++ % NAMES_PER_LINE == 0 ?
		    " \\\n\t" : " ", f->db[i].name);
	}
	dbrev_buf_puts(out, "\n");
}

void
dbrev_fleet_make(struct dbrev_buf *out, const struct dbrev_fleet *f,
    const struct dbrev_fleet_result *known)
{
	dbrev_buf_puts(out, "# The databases of a fleet, by name (never a URL): "
	    "written by revapply --fleet.\n");
	names(out, "DBREV_FLEET_CANARY", f, known, 1);
	names(out, "DBREV_FLEET_REST", f, known, 0);
}

/* --- Files of a run directory. --- */

static int
io_error(struct dbrev_error *err, const char *path, const char *what)
{
	struct dbrev_buf b = { 0 };

	dbrev_mkname_show(&b, path);
	dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, "check the state "
	    "directory (DB_STATE_DIR, --state-dir): it must be writable",
	    "cannot %s %s: %s", what, b.data, strerror(errno));
	dbrev_buf_free(&b);
	return -1;
}

/* Write dir/name whole: a temporary file renamed over it. */
static int
put_file(const char *dir, const char *name, const char *text, size_t len,
    struct dbrev_error *err)
{
	struct dbrev_buf tmp = { 0 }, path = { 0 };
	int fd, rc = -1;
	ssize_t w = 0;
	size_t off = 0;

	dbrev_buf_printf(&tmp, "%s/.%s.XXXXXX", dir, name);
	dbrev_buf_printf(&path, "%s/%s", dir, name);
	if ((fd = mkstemp(tmp.data)) == -1) {
		io_error(err, tmp.data, "create");
		goto out;
	}
	while (off < len && ((w = write(fd, text + off, len - off)) > 0 ||
	    (w < 0 && errno == EINTR)))
		off += w > 0 ? (size_t)w : 0;
	if (off < len || close(fd) == -1 || rename(tmp.data, path.data) == -1) {
		if (off < len)
			close(fd);
		io_error(err, path.data, "write");
		unlink(tmp.data);
		goto out;
	}
	rc = 0;
out:
	dbrev_buf_free(&tmp);
	dbrev_buf_free(&path);
	return rc;
}

static void
put_str(struct dbrev_buf *b, const char *key, const char *v)
{
	dbrev_buf_puts(b, key);
	if (v != NULL) {
		dbrev_buf_puts(b, " ");
		dbrev_fleet_escape(b, v);
	}
	dbrev_buf_puts(b, "\n");
}

static void
put_names(struct dbrev_buf *b, const char *key, const struct dbrev_fleet *f,
    int canaries)
{
	size_t i;

	dbrev_buf_puts(b, key);
	for (i = 0; i < f->n; i++)
		if (f->db[i].selected && (!canaries || f->db[i].canary))
			dbrev_buf_printf(b, " %s", f->db[i].name);
	dbrev_buf_puts(b, "\n");
}

static void
plan_text(struct dbrev_buf *b, const struct dbrev_fleet *f,
    enum dbrev_fleet_verb v, const struct dbrev_fleet_opts *o,
    const char *state, size_t total)
{
	dbrev_buf_printf(b, PLAN_MAGIC "\nverb %s\n", dbrev_fleet_verb_name(v));
	put_str(b, "source", f->source);
	put_str(b, "dir", o->dir);
	put_str(b, "table", f->table);
	put_str(b, "state", state);
	put_str(b, "backup", o->backup_dir);
	dbrev_buf_printf(b, "keep %u\nlock %lld\nstop %d\ntotal %zu\n",
	    o->backup_keep, o->lock_timeout >= 0 ? (long long)(o->lock_timeout *
	    1000 + 0.5) : -1LL, o->stop != 0, total);
	put_names(b, "select", f, 0);
	put_names(b, "canary", f, 1);
}

/* mkdir -p, the last one created with mode 0700. */
static int
make_dirs(const char *dir, struct dbrev_error *err)
{
	char *p, *copy = dbrev_xstrdup(dir);
	int rc = 0;

	for (p = copy + 1; *p != '\0'; p++)
		if (*p == '/') {
			*p = '\0';
			(void)mkdir(copy, 0777);
			*p = '/';
		}
	if (mkdir(copy, 0777) == -1 && errno != EEXIST)
		rc = io_error(err, dir, "create");
	free(copy);
	return rc;
}

/* Remove run directories nothing has touched for a week. */
static void
remove_stale(const char *state)
{
	struct dbrev_buf p = { 0 };
	struct dirent *de;
	struct stat st;
	time_t now = time(NULL);
	DIR *d;

	if ((d = opendir(state)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, RUN_PREFIX, strlen(RUN_PREFIX)) != 0)
			continue;
		dbrev_buf_reset(&p);
		dbrev_buf_printf(&p, "%s/%s/progress", state, de->d_name);
		if (stat(p.data, &st) == 0 && now - st.st_mtime > STALE_S) {
			dbrev_buf_reset(&p);
			dbrev_buf_printf(&p, "%s/%s", state, de->d_name);
			dbrev_fleet_plan_remove(p.data);
		}
	}
	closedir(d);
	dbrev_buf_free(&p);
}

/* The known ones' results, and the count done so far. */
static int
plan_known(const char *run, const struct dbrev_fleet *f,
    const struct dbrev_fleet_opts *o, struct dbrev_fleet_result *known,
    size_t *nknown, struct dbrev_error *err)
{
	struct dbrev_buf b = { 0 }, dir = { 0 };
	size_t i;
	int rc = 0;

	*nknown = 0;
	dbrev_buf_printf(&dir, "%s/results", run);
	if (mkdir(dir.data, 0777) == -1)
		rc = io_error(err, dir.data, "create");
	for (i = 0; i < f->n && rc == 0; i++) {
		if (!f->db[i].selected || !dbrev_fleet_known(&f->db[i], o,
		    &known[i]))
			continue;
		dbrev_buf_reset(&b);
		dbrev_fleet_result_encode(&b, &known[i]);
		rc = put_file(dir.data, f->db[i].name, b.data, b.len, err);
		++*nknown;
	}
	dbrev_buf_free(&b);
	dbrev_buf_free(&dir);
	return rc;
}

int
dbrev_fleet_plan(const struct dbrev_fleet *f, const char *fleet_text,
    size_t fleet_len, enum dbrev_fleet_verb v,
    const struct dbrev_fleet_opts *o, char **run_dir, struct dbrev_error *err)
{
	const char *state = o->state_dir != NULL && *o->state_dir != '\0' ?
	    o->state_dir : ".dbrev";
	struct dbrev_fleet_result *known;
	struct dbrev_buf run = { 0 }, b = { 0 };
	size_t i, total = 0, nknown = 0;
	int rc = -1;

	*run_dir = NULL;
	if (dbrev_name_control(state) != NULL)
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0, "name "
		    "another (DB_STATE_DIR, --state-dir)", "the state directory's "
		    "name holds a control character");
	if (make_dirs(state, err) == -1)
		return -1;
	remove_stale(state);
	dbrev_buf_printf(&run, "%s/" RUN_PREFIX "XXXXXX", state);
	if (mkdtemp(run.data) == NULL) {
		io_error(err, run.data, "create");
		dbrev_buf_free(&run);
		return -1;
	}
	known = dbrev_xcalloc(f->n + 1, sizeof(*known));
	for (i = 0; i < f->n; i++)
		total += f->db[i].selected;
	if (put_file(run.data, "fleet.list", fleet_text, fleet_len, err) == -1 ||
	    plan_known(run.data, f, o, known, &nknown, err) == -1)
		goto out;
	plan_text(&b, f, v, o, state, total);
	if (put_file(run.data, "plan", b.data, b.len, err) == -1)
		goto out;
	dbrev_buf_reset(&b);
	dbrev_buf_printf(&b, "%zu\n", nknown);
	if (put_file(run.data, "progress", b.data, b.len, err) == -1)
		goto out;
	dbrev_buf_reset(&b);
	dbrev_fleet_make(&b, f, known);
	dbrev_buf_printf(&b, "DBREV_FLEET_VERB := %s\n",
	    dbrev_fleet_verb_name(v));
	if (put_file(run.data, "targets.mk", b.data, b.len, err) == -1)
		goto out;
	rc = 0;
	*run_dir = dbrev_buf_take(&run);
out:
	for (i = 0; i < f->n; i++)
		dbrev_fleet_result_free(&known[i]);
	free(known);
	dbrev_buf_free(&b);
	if (rc == -1) {
		dbrev_fleet_plan_remove(run.data);
		dbrev_buf_free(&run);
	}
	return rc;
}

/* --- Reading a plan back. --- */

static const char *const plan_keys[PLAN_LINES] = { NULL, "verb", "source",
    "dir", "table", "state", "backup", "keep", "lock", "stop", "total",
    "select", "canary" };

/* Split text into PLAN_LINES lines of "key[ value]"; vals[i] or NULL. */
static int
plan_split(char *text, char **vals)
{
	char *p = text, *nl;
	size_t i, n;

	for (i = 0; i < PLAN_LINES; i++) {
		if ((nl = strchr(p, '\n')) == NULL)
			return -1;
		*nl = '\0';
		if (i == 0) {
			if (strcmp(p, PLAN_MAGIC) != 0)
				return -1;
		} else {
			n = strlen(plan_keys[i]);
			if (strncmp(p, plan_keys[i], n) != 0 ||
			    (p[n] != ' ' && p[n] != '\0'))
				return -1;
			vals[i] = p[n] == ' ' ? p + n + 1 : NULL;
			if (vals[i] != NULL && dbrev_fleet_unescape(vals[i]) ==
			    -1)
				return -1;
		}
		p = nl + 1;
	}
	return *p == '\0' ? 0 : -1;
}

static int
plan_num(const char *s, long long min, long long max, long long *out)
{
	char *end;

	if (s == NULL || !((*s >= '0' && *s <= '9') || *s == '-'))
		return -1;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return *end != '\0' || errno != 0 || *out < min || *out > max ? -1 : 0;
}

/* Mark the databases named in list (select or canary); -1 on a stranger. */
static int
plan_mark(struct dbrev_fleet *f, char *list, int canary)
{
	struct dbrev_fleet_db *db;
	char *name, *save = NULL;

	if (list == NULL)
		return 0;
	for (name = strtok_r(list, " ", &save); name != NULL;
	    name = strtok_r(NULL, " ", &save)) {
		if ((db = dbrev_fleet_find(f, name)) == NULL)
			return -1;
		if (canary)
			db->canary = 1;
		else
			db->selected = 1;
	}
	return 0;
}

static int
plan_fill(struct dbrev_fleet_plan *p, char **v)
{
	long long n;

	memset(&p->opts, 0, sizeof(p->opts));
	if (v[1] == NULL || dbrev_fleet_verb_parse(v[1], &p->verb) == -1 ||
	    v[2] == NULL || v[3] == NULL || *v[3] == '\0' || v[5] == NULL)
		return -1;
	dbrev_fleet_opts_init(&p->opts);
	p->opts.dir = v[3];
	p->opts.state_dir = v[5];
	p->opts.backup_dir = v[6];
	if (plan_num(v[7], 0, 1000000, &n) == -1)
		return -1;
	p->opts.backup_keep = (unsigned)n;
	if (plan_num(v[8], -1, 1000000000LL, &n) == -1)
		return -1;
	p->opts.lock_timeout = n < 0 ? -1 : (double)n / 1000;
	if (plan_num(v[9], 0, 1, &n) == -1)
		return -1;
	p->opts.stop = (int)n;
	if (plan_num(v[10], 0, 100000000LL, &n) == -1)
		return -1;
	p->total = (size_t)n;
	return 0;
}

int
dbrev_fleet_plan_read(const char *run_dir, struct dbrev_fleet_plan *p,
    struct dbrev_fleet **fleet, struct dbrev_error *err)
{
	struct dbrev_fleet_parse_opts po = { 0 };
	struct dbrev_buf path = { 0 }, b = { 0 };
	struct dbrev_error ignore = { 0 };
	char *v[PLAN_LINES] = { 0 };
	size_t i, n = 0;
	int rc = -1;

	memset(p, 0, sizeof(*p));
	*fleet = NULL;
	dbrev_buf_printf(&path, "%s/plan", run_dir);
	if (dbrev_read_file(path.data, &b, &ignore) == 0 && b.len > 0 &&
	    b.len <= PLAN_MAX && memchr(b.data, '\0', b.len) == NULL)
		p->text = dbrev_buf_take(&b);
	if (p->text == NULL || plan_split(p->text, v) == -1 ||
	    plan_fill(p, v) == -1) {
		dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0, "start the run "
		    "again (make db-fleet-...); a run directory is written "
		    "by revapply --fleet ... plan only", "%s is no fleet run "
		    "directory (its plan is missing or damaged)", run_dir);
		goto out;
	}
	dbrev_buf_reset(&path);
	dbrev_buf_printf(&path, "%s/fleet.list", run_dir);
	po.source = v[2];
	po.table = v[4];
	if (dbrev_fleet_load(path.data, &po, fleet, NULL, err) == -1)
		goto out;
	for (i = 0; i < (*fleet)->n; i++)
		(*fleet)->db[i].selected = 0;
	if (plan_mark(*fleet, v[11], 0) == -1 ||
	    plan_mark(*fleet, v[12], 1) == -1) {
		dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0, "start the run "
		    "again", "%s: its plan names a database its fleet lacks",
		    run_dir);
		goto out;
	}
	for (i = 0; i < (*fleet)->n; i++)
		n += (*fleet)->db[i].selected;
	if (n != p->total) {
		dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0, "start the run "
		    "again", "%s: its plan does not add up", run_dir);
		goto out;
	}
	rc = 0;
out:
	if (rc == -1) {
		dbrev_fleet_free(*fleet);
		*fleet = NULL;
		dbrev_fleet_plan_free(p);
	}
	dbrev_error_clear(&ignore);
	dbrev_buf_free(&path);
	dbrev_buf_free(&b);
	return rc;
}

void
dbrev_fleet_plan_free(struct dbrev_fleet_plan *p)
{
	free(p->text);
	memset(p, 0, sizeof(*p));
}

/* --- Results. --- */

/* One more done: the counter, under its lock. */
static int
count_done(const char *run_dir, size_t *done, struct dbrev_error *err)
{
	struct dbrev_buf path = { 0 };
	char buf[32], *end;
	ssize_t n;
	int fd, rc = -1;
	unsigned long long v;

	dbrev_buf_printf(&path, "%s/progress", run_dir);
	if ((fd = open(path.data, O_RDWR | O_CLOEXEC)) == -1) {
		io_error(err, path.data, "open");
		goto out;
	}
	while (flock(fd, LOCK_EX) == -1 && errno == EINTR)
		;
	n = pread(fd, buf, sizeof buf - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	v = strtoull(buf, &end, 10);
	if (n <= 0 || *end != '\n') {
		errno = EINVAL;
		io_error(err, path.data, "read");
	} else {
		n = snprintf(buf, sizeof buf, "%llu\n", ++v);
		if (pwrite(fd, buf, (size_t)n, 0) != n) {
			io_error(err, path.data, "write");
		} else {
			*done = (size_t)v;
			rc = 0;
		}
	}
	close(fd);	/* releases the lock */
out:
	dbrev_buf_free(&path);
	return rc;
}

int
dbrev_fleet_record(const char *run_dir, const struct dbrev_fleet_result *r,
    size_t *done, struct dbrev_error *err)
{
	struct dbrev_buf b = { 0 }, dir = { 0 };
	int rc;

	*done = 0;
	dbrev_fleet_result_encode(&b, r);
	dbrev_buf_printf(&dir, "%s/results", run_dir);
	rc = put_file(dir.data, r->name, b.data, b.len, err);
	if (rc == 0)
		rc = count_done(run_dir, done, err);
	dbrev_buf_free(&b);
	dbrev_buf_free(&dir);
	return rc;
}

void
dbrev_fleet_collect(const char *run_dir, const struct dbrev_fleet *f,
    struct dbrev_fleet_result **results)
{
	struct dbrev_fleet_result *r = dbrev_xcalloc(f->n + 1, sizeof(*r));
	struct dbrev_buf path = { 0 }, b = { 0 };
	struct dbrev_error ignore = { 0 };
	size_t i;

	for (i = 0; i < f->n; i++) {
		dbrev_buf_reset(&path);
		dbrev_buf_printf(&path, "%s/results/%s", run_dir,
		    f->db[i].name);
		if (!f->db[i].selected ||
		    dbrev_read_file(path.data, &b, &ignore) == -1 ||
		    dbrev_fleet_result_decode(b.data, b.len, &r[i]) == -1 ||
		    strcmp(r[i].name, f->db[i].name) != 0) {
			dbrev_fleet_result_free(&r[i]);
			r[i].name = dbrev_xstrdup(f->db[i].name);
		}
		dbrev_error_clear(&ignore);
	}
	dbrev_buf_free(&path);
	dbrev_buf_free(&b);
	*results = r;
}

/* Whether a results/ entry is one of ours: a name, or its temporary. */
static int
ours(const char *n)
{
	const char *dot;
	char *name;
	int ok;

	if (n[0] != '.')
		return dbrev_fleet_name_valid(n);
	if ((dot = strrchr(n + 1, '.')) == NULL || strlen(dot) != 7)
		return 0;
	name = dbrev_xstrndup(n + 1, (size_t)(dot - n - 1));
	ok = dbrev_fleet_name_valid(name);
	free(name);
	return ok;
}

void
dbrev_fleet_plan_remove(const char *run_dir)
{
	static const char *const files[] = { "fleet.list", "plan",
	    "targets.mk", "progress" };
	struct dbrev_buf p = { 0 };
	struct dirent *de;
	size_t i;
	DIR *d;

	dbrev_buf_printf(&p, "%s/results", run_dir);
	if ((d = opendir(p.data)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (!ours(de->d_name))
				continue;
			dbrev_buf_reset(&p);
			dbrev_buf_printf(&p, "%s/results/%s", run_dir,
			    de->d_name);
			unlink(p.data);
		}
		closedir(d);
		dbrev_buf_reset(&p);
		dbrev_buf_printf(&p, "%s/results", run_dir);
		rmdir(p.data);
	}
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		dbrev_buf_reset(&p);
		dbrev_buf_printf(&p, "%s/%s", run_dir, files[i]);
		unlink(p.data);
	}
	rmdir(run_dir);
	dbrev_buf_free(&p);
}

int
dbrev_fleet_plan_one(const char *run_dir, const char *name,
    enum dbrev_fleet_verb v, struct dbrev_fleet_result *out, size_t *done,
    size_t *total, int *fail_target, struct dbrev_error *err)
{
	struct dbrev_fleet_plan plan;
	struct dbrev_fleet *f;
	struct dbrev_fleet_db *db;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (dbrev_fleet_plan_read(run_dir, &plan, &f, err) == -1)
		return -1;
	if (plan.verb != v)
		dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0, "run the "
		    "verb it was planned for", "this run is %s, not %s",
		    dbrev_fleet_verb_name(plan.verb), dbrev_fleet_verb_name(v));
	else if ((db = dbrev_fleet_find(f, name)) == NULL || !db->selected)
		dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0, "name a "
		    "database of the run's targets.mk", "no database of this "
		    "run is called %s", dbrev_fleet_name_valid(name) ? name :
		    "so");
	else {
		dbrev_fleet_one(db, v, &plan.opts, out);
		*total = plan.total;
		/* A failure stops make only where it must. */
		*fail_target = out->outcome == DBREV_FLEET_FAILED &&
		    (db->canary || plan.opts.stop);
		rc = dbrev_fleet_record(run_dir, out, done, err);
		if (rc == -1)
			dbrev_fleet_result_free(out);
	}
	dbrev_fleet_free(f);
	dbrev_fleet_plan_free(&plan);
	return rc;
}

int
dbrev_fleet_plan_end(const char *run_dir, int dry_run,
    struct dbrev_fleet **fleet, struct dbrev_fleet_result **results,
    enum dbrev_fleet_verb *verb, struct dbrev_error *err)
{
	struct dbrev_fleet_plan plan;

	*results = NULL;
	if (dbrev_fleet_plan_read(run_dir, &plan, fleet, err) == -1)
		return -1;
	*verb = plan.verb;
	if (!dry_run) {
		dbrev_fleet_collect(run_dir, *fleet, results);
		if (plan.verb == DBREV_FLEET_UPGRADE)
			dbrev_fleet_remember(*fleet, *results, &plan.opts);
	}
	dbrev_fleet_plan_remove(run_dir);
	dbrev_fleet_plan_free(&plan);
	return 0;
}
