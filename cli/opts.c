/*
 * opts.c - option parsing for every subcommand: -name value, --name value,
 * --name=value; flags take no value. A command has options of its own
 * (files, output, progress) and, for the training commands, the options of
 * its library task (ns_opts_find): those are collected as given and applied
 * later, over the defaults or over a resumed model's options. Help lists
 * both, the library's with their defaults. Errors name the option and the
 * command.
 */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Does `name` (without dashes, up to len) appear in the '|'-list? */
static int has_name(const char *names, const char *name, size_t len) {
    const char *p = names;
    while (*p) {
        const char *e = strchr(p, '|');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == len && strncmp(p, name, len) == 0) return 1;
        if (!e) break;
        p = e + 1;
    }
    return 0;
}

/* Adds the comma-separated files of v to a list. */
static int add_files(const cmd_spec *c, const char *shown, str_list *l, const char *v) {
    for (const char *p = v; *p;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (l->n == STR_LIST_MAX) {
            fprintf(stderr, "negsamp %s: option %s: at most %d files\n", c->name, shown, STR_LIST_MAX);
            return -1;
        }
        if (n && !(l->v[l->n++] = strndup(p, n))) return -1;
        p += n + (e != NULL);
    }
    return 0;
}

static int set_value(const cmd_spec *c, const opt *o, const char *shown, const char *v) {
    char *end;
    errno = 0;
    switch (o->kind) {
    case OPT_INT:
    case OPT_I64: {
        long long x = strtoll(v, &end, 10);
        if (end == v || *end || errno || (o->kind == OPT_INT && (x < INT_MIN || x > INT_MAX))) {
            fprintf(stderr, "negsamp %s: option %s: '%s' is not an integer\n", c->name, shown, v);
            return -1;
        }
        if (o->kind == OPT_INT) *(int *)o->dst = (int)x;
        else *(int64_t *)o->dst = x;
        return 0;
    }
    case OPT_DOUBLE: {
        double x = strtod(v, &end);
        if (end == v || *end || !isfinite(x)) {
            fprintf(stderr, "negsamp %s: option %s: '%s' is not a number\n", c->name, shown, v);
            return -1;
        }
        *(double *)o->dst = x;
        return 0;
    }
    case OPT_STRING:
        *(const char **)o->dst = v;
        return 0;
    case OPT_LIST:
        return add_files(c, shown, o->dst, v);
    default:
        return -1;
    }
}

/* Records a library option given on the command line. */
static int give(const cmd_spec *c, given_opts *g, const char *name, const char *v) {
    if (g->n == GIVEN_MAX) {
        fprintf(stderr, "negsamp %s: more than %d options\n", c->name, GIVEN_MAX);
        return -1;
    }
    g->name[g->n] = name, g->value[g->n] = v, g->n++;
    return 0;
}

/* One option at argv[*i]; returns 0, 1 (help printed) or -1. */
static int parse_one(const cmd_spec *c, int argc, char **argv, int *i, given_opts *g) {
    char *a = argv[*i];
    const char *name = a + (a[1] == '-' ? 2 : 1);
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    if ((len == 4 && strncmp(name, "help", 4) == 0) || (len == 1 && name[0] == 'h')) {
        print_help(c, stdout);
        return 1;
    }
    const opt *o = NULL;
    for (int k = 0; k < c->n_opts && !o; k++)
        if (has_name(c->opts[k].names, name, len)) o = &c->opts[k];
    char key[64];
    snprintf(key, sizeof key, "%.*s", (int)(len < 63 ? len : 63), name);
    const ns_opt_info *lib = !o && c->task >= 0 ? ns_opts_find((ns_task)c->task, key) : NULL;
    if (!o && !lib) {
        fprintf(stderr, "negsamp %s: unknown option '%.*s' (see 'negsamp %s --help')\n", c->name,
                (int)(len + (size_t)(name - a)), a, c->name);
        return -1;
    }
    if (o && o->kind == OPT_REJECT) {
        fprintf(stderr, "negsamp %s: option %s: %s\n", c->name, a, o->help);
        return -1;
    }
    int flag = o ? o->kind == OPT_FLAG : lib->kind == NS_OPT_FLAG;
    if (flag && o && eq) {
        fprintf(stderr, "negsamp %s: option %.*s takes no value\n", c->name, (int)(len + (size_t)(name - a)), a);
        return -1;
    }
    if (o && flag) {
        *(int *)o->dst = 1;
        return 0;
    }
    const char *v = eq ? eq + 1 : flag ? NULL : *i + 1 < argc ? argv[++*i] : NULL;
    if (!v && !flag) {
        fprintf(stderr, "negsamp %s: option %s needs a value (%s)\n", c->name, a, o ? o->arg : lib->arg);
        return -1;
    }
    return o ? set_value(c, o, a, v) : give(c, g, lib->name, v);
}

int parse_opts(const cmd_spec *c, int argc, char **argv, char **pos, int *npos, given_opts *g) {
    *npos = 0;
    if (g) g->n = 0;
    given_opts none;
    int only_pos = 0;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (only_pos || a[0] != '-' || a[1] == '\0' ||
            ((a[1] >= '0' && a[1] <= '9') || a[1] == '.')) { /* "-", negative numbers */
            pos[(*npos)++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_pos = 1;
            continue;
        }
        int r = parse_one(c, argc, argv, &i, g ? g : &none);
        if (r) return r;
    }
    if (*npos < c->min_pos || (c->max_pos >= 0 && *npos > c->max_pos)) {
        fprintf(stderr, "negsamp %s: %s; usage: negsamp %s %s\n", c->name,
                *npos < c->min_pos ? "missing arguments" : "too many arguments", c->name, c->usage);
        return -1;
    }
    return 0;
}

int apply_opts(const cmd_spec *c, const given_opts *g, ns_opts *o) {
    ns_error err;
    for (int i = 0; i < g->n; i++)
        if (ns_opts_set(o, g->name[i], g->value[i], &err) != NS_OK) {
            fprintf(stderr, "negsamp %s: %s\n", c->name, err.msg);
            return EXIT_USAGE;
        }
    if (ns_opts_check(o, &err) != NS_OK) {
        fprintf(stderr, "negsamp %s: %s\n", c->name, err.msg);
        return EXIT_USAGE;
    }
    return 0;
}

int was_given(const given_opts *g, const char *name) {
    for (int i = 0; i < g->n; i++)
        if (!strcmp(g->name[i], name)) return 1;
    return 0;
}

/* "-a, -b" from "a|b" (at most n bytes). */
static void dashed(const char *names, char *out, size_t n) {
    size_t k = 0;
    for (const char *p = names; *p && k + 8 < n;) {
        out[k++] = '-';
        while (*p && *p != '|' && k + 8 < n) out[k++] = *p++;
        if (*p == '|') p++, out[k++] = ',', out[k++] = ' ';
    }
    out[k] = '\0';
}

static void help_line(FILE *f, const char *names, int flag, const char *arg, const char *help, const char *dflt) {
    char left[200], shown[160];
    dashed(names, shown, sizeof shown);
    snprintf(left, sizeof left, "%s%s%s", shown, flag ? "" : " ", flag ? "" : arg);
    fprintf(f, "  %-30s %s%s%s%s\n", left, help, dflt ? " [" : "", dflt ? dflt : "", dflt ? "]" : "");
}

void print_help(const cmd_spec *c, FILE *f) {
    fprintf(f, "usage: negsamp %s %s\n\n%s\n", c->name, c->usage, c->summary);
    int any = 0;
    for (int k = 0; k < c->n_opts; k++) {
        const opt *o = &c->opts[k];
        if (o->kind == OPT_REJECT) continue;
        if (!any++) fprintf(f, "\noptions:\n");
        help_line(f, o->names, o->kind == OPT_FLAG, o->arg, o->help, NULL);
    }
    if (c->task >= 0) {
        ns_opts d;
        ns_opts_default(&d, (ns_task)c->task);
        fprintf(f, "\ntraining options (the library's; with -resume, those given here override the model's):\n");
        for (int k = 0; k < ns_opts_count((ns_task)c->task); k++) {
            const ns_opt_info *in = ns_opts_info((ns_task)c->task, k);
            char names[128], value[64];
            snprintf(names, sizeof names, "%s%s%s", in->name, *in->aliases ? "|" : "", in->aliases);
            size_t hl = strlen(in->help);
            int own = hl && in->help[hl - 1] == ']'; /* the help describes its default */
            ns_opts_get(&d, in->name, value, sizeof value, NULL);
            help_line(f, names, in->kind == NS_OPT_FLAG, in->arg, in->help,
                      own || in->kind == NS_OPT_FLAG ? NULL : value);
        }
    }
    fprintf(f, "\nOptions may be written -name, --name or --name=value.\n");
}

int report_error(ns_status s, const ns_error *err) {
    if (err && err->msg[0]) fprintf(stderr, "negsamp: %s\n", err->msg);
    else fprintf(stderr, "negsamp: %s\n", ns_status_str(s));
    return s == NS_EINVAL ? EXIT_USAGE : s == NS_EDIVERGED ? EXIT_DIVERGED : EXIT_DATA;
}

int parse_ks(const char *s, int32_t *ks, int max) {
    int n = 0;
    while (*s) {
        char *end;
        long v = strtol(s, &end, 10);
        if (end == s || v < 1 || v > 1000000000 || n == max || (*end && *end != ',')) return -1;
        ks[n++] = (int32_t)v;
        s = *end ? end + 1 : end;
    }
    return n;
}

ns_status ns__nomem_cli(ns_error *err) {
    snprintf(err->msg, sizeof err->msg, "out of memory");
    return NS_ENOMEM;
}

char *join(const char *prefix, const char *ext) {
    size_t n = strlen(prefix), m = strlen(ext);
    char *s = malloc(n + m + 1);
    if (s) memcpy(s, prefix, n), memcpy(s + n, ext, m + 1);
    return s;
}

int check_outputs(const char *prefix, const char *const *exts, int n) {
    for (int i = 0; i < n; i++) {
        char *path = join(prefix, exts[i]);
        ns_error err;
        ns_status s = path ? ns_output_check(path, &err) : ns__nomem_cli(&err);
        free(path);
        if (s != NS_OK) return report_error(s, &err);
    }
    return 0;
}

void list_free(str_list *l) {
    for (int i = 0; i < l->n; i++) free((char *)l->v[i]);
    l->n = 0;
}
