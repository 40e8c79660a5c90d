"""Builds negsamp._core, the CPython extension over the C library.

The library is built from this repository's sources by CMake (the same
build as the command-line program, as a position-independent static
library), then linked into the extension, so that the package needs no
installed libnegsamp and runs exactly the C library's code.
"""
import os
import subprocess

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


class CMakeLibrary(build_ext):
    def run(self):
        if not os.path.isfile(os.path.join(ROOT, "include", "negsamp.h")):
            raise RuntimeError(f"negsamp: the C sources are not at {ROOT} (build from the repository's python/ folder)")
        out = os.path.abspath(os.path.join(self.build_temp, "libnegsamp"))
        # NEGSAMP_CMAKE_ARGS: more options for the library's build (e.g. -DNS_SANITIZE=ON, with
        # CFLAGS=-fsanitize=address,undefined for the extension: docs/python.md)
        extra = os.environ.get("NEGSAMP_CMAKE_ARGS", "").split()
        subprocess.check_call(["cmake", "-S", ROOT, "-B", out, "-DCMAKE_BUILD_TYPE=Release",
                               "-DCMAKE_POSITION_INDEPENDENT_CODE=ON", *extra])
        subprocess.check_call(["cmake", "--build", out, "--target", "negsamp", "-j", str(os.cpu_count() or 1)])
        cache = open(os.path.join(out, "CMakeCache.txt")).read()
        zlib = any(line.startswith("ZLIB_LIBRARY_RELEASE:FILEPATH=") and not line.endswith("NOTFOUND")
                   for line in cache.splitlines())
        # liblinear (graph evaluations) when the library's build found it
        linear = "NS_LIBLINEAR:BOOL=ON" in cache.splitlines() and any(
            line.startswith("LIBLINEAR_LIBRARY:FILEPATH=") and not line.endswith("NOTFOUND") for line in cache.splitlines())
        lib = os.path.join(out, "libnegsamp.a")
        for ext in self.extensions:
            ext.extra_objects = [lib]
            ext.depends = [lib]  # relink when the library changed, not only _core.c
            ext.libraries = (["z"] if zlib else []) + (["linear"] if linear else []) + ["m", "pthread"]
        super().run()


setup(
    ext_modules=[Extension("negsamp._core", sources=["negsamp/_core.c"],
                           include_dirs=[os.path.join(ROOT, "include"), os.path.join(ROOT, "src")],
                           extra_compile_args=["-std=c11", "-O2", "-Wall", "-Wextra", "-Wno-missing-field-initializers",
                                               "-Wno-cast-function-type"],
                           define_macros=[("_POSIX_C_SOURCE", "200809L")])],
    cmdclass={"build_ext": CMakeLibrary},
)
