/*
 * dbrev/mkname.h - which file names make can carry.
 *
 * The rule, decided once: a name that reaches make as a file (a target
 * or a prerequisite, such as the DBREV_FILES of `revorder --format=make`)
 * holds only letters, digits, '.', '_', '-', '+', ',', '@', '/' and bytes
 * of 0x80 and up (UTF-8 text, which make passes through).  Everything
 * else is syntax somewhere in a rule: blanks and newlines split words,
 * ';' starts a recipe, ':' and '=' and '|' and '%' make other kinds of
 * rules, '#' a comment, '$' a reference, '\' an escape, '*?[' and '~'
 * globs, '(' ')' an archive member; quotes reach the shell.  revorder
 * refuses other names; revgen never writes one (ids and slugs are made
 * of [A-Za-z0-9_]).
 */
#ifndef DBREV_MKNAME_H
#define DBREV_MKNAME_H

#include "dbrev/util.h"

/* The first byte of s that make cannot carry in a file name, or NULL. */
const char *dbrev_mkname_bad(const char *s);

/* The first control character of s (below 0x20, or 0x7f), or NULL. */
const char *dbrev_name_control(const char *s);

/*
 * Append s to out in a printable form for messages: a control character
 * becomes \n, \t, \r or \xHH, and a backslash \\, so that a name holding
 * a newline stays on one line and two names never show the same.
 */
void	 dbrev_mkname_show(struct dbrev_buf *out, const char *s);

#endif /* DBREV_MKNAME_H */
