/*
 * dispatch.c - picks a kernel variant from the CPU's features at run time;
 * the environment variable NS_KERNELS (scalar, avx2, avx512) forces one
 * that the CPU runs, for benchmarks and for comparing the variants.
 */
#include "kernels.h"

#include <stdlib.h>
#include <string.h>

static const ns_kernels *pick(const char *name);

const ns_kernels *ns__kernels_pick(const char *name) {
    const char *env = name ? NULL : getenv("NS_KERNELS");
    const ns_kernels *k = env && *env ? pick(env) : NULL;
    return k ? k : pick(name);
}

static const ns_kernels *pick(const char *name) {
    int want_auto = !name || strcmp(name, "auto") == 0;
#if defined(__SANITIZE_THREAD__)
    /* ThreadSanitizer does not see memory accessed through intrinsics: pick
     * the scalar kernels so that it checks the Hogwild accesses too. */
    if (want_auto) return &ns__kernels_scalar;
#endif
#ifdef NS_HAVE_X86_KERNELS
    __builtin_cpu_init();
    int has512 = __builtin_cpu_supports("avx512f");
    int has2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if ((want_auto || strcmp(name, "avx512") == 0) && has512) return &ns__kernels_avx512;
    if ((want_auto || strcmp(name, "avx2") == 0) && has2) return &ns__kernels_avx2;
#endif
    if (want_auto || strcmp(name, "scalar") == 0) return &ns__kernels_scalar;
    return NULL;
}
