/*
 * opts.c - option parsing for every subcommand: -name value, --name value,
 * --name=value; flags take no value. Errors name the option and the command.
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
    case OPT_LIST: {
        str_list *l = o->dst;
        if (l->n == STR_LIST_MAX) {
            fprintf(stderr, "negsamp %s: option %s: at most %d values\n", c->name, shown, STR_LIST_MAX);
            return -1;
        }
        l->v[l->n++] = v;
        return 0;
    }
    default:
        return -1;
    }
}

int parse_opts(const cmd_spec *c, int argc, char **argv, char **pos, int *npos) {
    *npos = 0;
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
        if (!o) {
            fprintf(stderr, "negsamp %s: unknown option '%.*s' (see 'negsamp %s --help')\n",
                    c->name, (int)(len + (size_t)(name - a)), a, c->name);
            return -1;
        }
        if (o->kind == OPT_REJECT) {
            fprintf(stderr, "negsamp %s: option %s: %s\n", c->name, a, o->help);
            return -1;
        }
        if (o->kind == OPT_FLAG) {
            if (eq) {
                fprintf(stderr, "negsamp %s: option %.*s takes no value\n", c->name,
                        (int)(len + (size_t)(name - a)), a);
                return -1;
            }
            *(int *)o->dst = 1;
            continue;
        }
        const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!v) {
            fprintf(stderr, "negsamp %s: option %s needs a value (%s)\n", c->name, a, o->arg);
            return -1;
        }
        if (set_value(c, o, a, v) != 0) return -1;
    }
    if (*npos < c->min_pos || (c->max_pos >= 0 && *npos > c->max_pos)) {
        fprintf(stderr, "negsamp %s: %s; usage: negsamp %s %s\n", c->name,
                *npos < c->min_pos ? "missing arguments" : "too many arguments", c->name, c->usage);
        return -1;
    }
    return 0;
}

void print_help(const cmd_spec *c, FILE *f) {
    fprintf(f, "usage: negsamp %s %s\n\n%s\n", c->name, c->usage, c->summary);
    int any = 0;
    for (int k = 0; k < c->n_opts; k++) {
        const opt *o = &c->opts[k];
        if (o->kind == OPT_REJECT) continue;
        if (!any++) fprintf(f, "\noptions:\n");
        char names[160];
        size_t n = 0;
        const char *p = o->names;
        while (*p && n < sizeof names - 8) {
            names[n++] = '-';
            while (*p && *p != '|' && n < sizeof names - 8) names[n++] = *p++;
            if (*p == '|') {
                p++;
                names[n++] = ',';
                names[n++] = ' ';
            }
        }
        names[n] = '\0';
        char left[200];
        snprintf(left, sizeof left, "%s%s%s", names, o->kind == OPT_FLAG ? "" : " ",
                 o->kind == OPT_FLAG ? "" : o->arg);
        fprintf(f, "  %-30s %s\n", left, o->help);
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
