// SPDX-License-Identifier: BSD-3-Clause
// headers.cc: every installed header compiles in C++ and links through its extern "C" guard (install.sh).
#include <cstdio>
#include <cstring>

#include <layerscope/api.h>
#include <layerscope/cursor.h>
#include <layerscope/decode.h>
#include <layerscope/flow.h>
#include <layerscope/frame.h>
#include <layerscope/pipeline.h>
#include <layerscope/render.h>
#include <layerscope/report.h>
#include <layerscope/source.h>
#include <layerscope/strbuf.h>
#include <layerscope/teach.h>
#include <layerscope/version.h>

int main()
{
	// Unmangled names: without the guard these would be undefined C++ symbols.
	const struct lsc_proto_info *p = lsc_proto_get(0);
	std::printf("%s %s\n", lsc_version(), lsc_renderer_names());
	return std::strcmp(lsc_version(), LSC_VERSION_STRING) != 0 || (p != nullptr && p->key == nullptr);
}
