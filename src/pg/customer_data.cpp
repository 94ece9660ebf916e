// Customer data layer glue (SQL contract section 6; version 1.4):
// cdp_resolve_identities and cdp_audience. The union-find and the expression
// parser/evaluator are in the core (identity.cpp, audience.cpp); this file
// runs SQL through SPI (every SPI call through the reverse guard) and
// converts values. Dense ids and the tag store are plain SQL/PL/pgSQL in
// control/cdp--1.3--1.4.sql.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cdp/core/audience.h"
#include "cdp/core/bitmap.h"
#include "cdp/core/error.h"
#include "cdp/core/identity.h"
#include "cdp/pg/rbitmap_datum.h"

extern "C" {
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"
}

namespace {

using cdp::core::Bitmap;
using cdp::core::Error;
using cdp::core::IdentityGraph;
namespace sqlstate = cdp::core::sqlstate;
using namespace cdp::pg;

// Rows fetched from the edges cursor at a time.
constexpr long kFetch = 10000;
// Identifiers sent to cdp_dense_ids() per call (its sort of one batch fits
// the default work_mem of 4 MB for ids of up to about 60 bytes).
constexpr size_t kDenseBatch = 25000;

// SPI_connect ... SPI_finish; SPI_finish runs on the normal path only (an
// error aborts the (sub)transaction, which cleans SPI up).
struct SpiSession {
  SpiSession() {
    const int rc = call([] { return SPI_connect(); });
    if (rc != SPI_OK_CONNECT)
      throw Error(sqlstate::kInternalError, "SPI_connect failed: " + std::to_string(rc));
  }
  void finish() {
    call([] { SPI_finish(); });
  }
};

bool text_like(Oid t) { return t == TEXTOID || t == VARCHAROID || t == BPCHAROID; }

// The bytes of a text-like datum (detoasted in the current context if needed).
std::string_view text_view(Datum d) {
  auto* raw = reinterpret_cast<struct varlena*>(DatumGetPointer(d));
  if (VARATT_IS_EXTENDED(raw) && !VARATT_IS_SHORT(raw))
    raw = call([raw] { return pg_detoast_datum_packed(raw); });
  return {VARDATA_ANY(raw), VARSIZE_ANY_EXHDR(raw)};
}

std::string type_name(Oid t) {
  const char* n = call([t] { return format_type_be(t); });
  return n;
}

[[noreturn]] void bad_shape(const std::string& detail) {
  throw Error(sqlstate::kDatatypeMismatch,
              "cdp_resolve_identities: the edges query must return exactly two text columns",
              detail,
              "Each row is a pair of identifiers seen together, e.g. "
              "SELECT device_id, login_id FROM logins (cast other types with ::text).");
}

void check_shape(TupleDesc td) {
  if (td->natts != 2) {
    std::string cols;
    for (int i = 0; i < td->natts; ++i) {
      if (i) cols += ", ";
      cols += type_name(TupleDescAttr(td, i)->atttypid);
    }
    bad_shape("It returns " + std::to_string(td->natts) + " column" +
              (td->natts == 1 ? "" : "s") + (cols.empty() ? "" : " (" + cols + ")") + ".");
  }
  for (int i = 0; i < 2; ++i) {
    const Oid t = call([td, i] { return getBaseType(TupleDescAttr(td, i)->atttypid); });
    if (!text_like(t))
      bad_shape("Column " + std::to_string(i + 1) + " is of type " +
                type_name(TupleDescAttr(td, i)->atttypid) + ".");
  }
}

// Dense ids of graph identifiers [from, to) through cdp_dense_ids(text[]).
void dense_ids(const IdentityGraph& g, size_t from, size_t to, std::vector<int64_t>& rank) {
  const int n = static_cast<int>(to - from);
  auto* elems = static_cast<Datum*>(alloc(sizeof(Datum) * n));
  for (int i = 0; i < n; ++i) {
    const std::string_view s = g.id(static_cast<uint32_t>(from + i));
    const char* p = s.data();
    const int len = static_cast<int>(s.size());
    elems[i] = call([p, len] { return PointerGetDatum(cstring_to_text_with_len(p, len)); });
  }
  Datum arr = call([elems, n] {
    return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
  });
  Oid argtypes[1] = {TEXTARRAYOID};
  Datum values[1] = {arr};
  const int rc = call([&argtypes, &values] {
    return SPI_execute_with_args("SELECT cdp_dense_ids($1)", 1, argtypes, values, nullptr,
                                 false, 1);
  });
  if (rc != SPI_OK_SELECT || SPI_processed != 1)
    throw Error(sqlstate::kInternalError, "cdp_dense_ids() failed inside cdp_resolve_identities");
  bool isnull = false;
  Datum res = call([&isnull] {
    return SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
  });
  if (isnull) throw Error(sqlstate::kInternalError, "cdp_dense_ids() returned NULL");
  ArrayType* a = call([res] { return DatumGetArrayTypeP(res); });
  const int m = call([a] { return ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a)); });
  if (m != n || ARR_HASNULL(a) || ARR_ELEMTYPE(a) != INT4OID)
    throw Error(sqlstate::kInternalError, "cdp_dense_ids() returned an unexpected array");
  const auto* ids = reinterpret_cast<const int32*>(ARR_DATA_PTR(a));
  for (int i = 0; i < n; ++i) rank[from + i] = ids[i];
  call([elems, n, arr] {
    for (int i = 0; i < n; ++i) pfree(DatumGetPointer(elems[i]));
    pfree(elems);
    pfree(DatumGetPointer(arr));
    SPI_freetuptable(SPI_tuptable);
  });
}

}  // namespace

// cdp_resolve_identities(edges_query text) -> TABLE(id text, person_id bigint)
CDP_FUNCTION(cdp_resolve_identities) {
  const std::string query(arg_bytes(fcinfo, 0));
  IdentityGraph graph;
  SpiSession spi;

  const char* q = query.c_str();
  Portal portal = call([q] {
    return SPI_cursor_open_with_args(nullptr, q, 0, nullptr, nullptr, nullptr, true, 0);
  });
  check_shape(portal->tupDesc);
  for (;;) {
    call([portal] { SPI_cursor_fetch(portal, true, kFetch); });
    const uint64 n = SPI_processed;
    if (n == 0) break;
    SPITupleTable* tt = SPI_tuptable;
    for (uint64 r = 0; r < n; ++r) {
      HeapTuple tup = tt->vals[r];
      bool null_a = false, null_b = false;
      Datum a = call([tup, tt, &null_a] { return SPI_getbinval(tup, tt->tupdesc, 1, &null_a); });
      Datum b = call([tup, tt, &null_b] { return SPI_getbinval(tup, tt->tupdesc, 2, &null_b); });
      // NULL and empty identifiers are ignored; the other end still counts.
      const std::string_view va = null_a ? std::string_view() : text_view(a);
      const std::string_view vb = null_b ? std::string_view() : text_view(b);
      if (!va.empty() && !vb.empty())
        graph.add_edge(va, vb);
      else if (!va.empty())
        graph.intern(va);
      else if (!vb.empty())
        graph.intern(vb);
    }
    call([tt] { SPI_freetuptable(tt); });
  }
  call([portal] { SPI_cursor_close(portal); });

  // person id = smallest dense id in the component (dense ids are
  // get-or-create, so every identifier gets one).
  std::vector<int64_t> rank(graph.size());
  for (size_t from = 0; from < graph.size(); from += kDenseBatch)
    dense_ids(graph, from, std::min(graph.size(), from + kDenseBatch), rank);
  const std::vector<int64_t> person = graph.component_labels(rank);
  {
    const double mb = graph.memory_bytes() / 1048576.0;
    const size_t nids = graph.size();
    call([mb, nids] {
      elog(DEBUG1, "cdp_resolve_identities: %zu identifiers, union-find %.1f MB", nids, mb);
    });
  }
  spi.finish();

  call([fcinfo] { InitMaterializedSRF(fcinfo, 0); });
  auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  Tuplestorestate* ts = rsinfo->setResult;
  TupleDesc td = rsinfo->setDesc;
  for (size_t i = 0; i < graph.size(); ++i) {
    const std::string_view s = graph.id(static_cast<uint32_t>(i));
    const char* p = s.data();
    const int len = static_cast<int>(s.size());
    const int64_t pid = person[i];
    call([ts, td, p, len, pid] {
      Datum values[2];
      bool nulls[2] = {false, false};
      text* t = cstring_to_text_with_len(p, len);
      values[0] = PointerGetDatum(t);
      values[1] = Int64GetDatum(pid);
      tuplestore_putvalues(ts, td, values, nulls);
      pfree(t);
    });
  }
  return Datum(0);
}

// cdp_audience(expr text) -> rbitmap
CDP_FUNCTION(cdp_audience) {
  const std::string expr(arg_bytes(fcinfo, 0));
  const auto root = cdp::core::audience::parse(expr);
  const std::vector<std::string> names = cdp::core::audience::names(*root);

  std::map<std::string, Bitmap, std::less<>> tags;
  SpiSession spi;
  {
    const int n = static_cast<int>(names.size());
    auto* elems = static_cast<Datum*>(alloc(sizeof(Datum) * n));
    for (int i = 0; i < n; ++i) {
      const char* p = names[i].data();
      const int len = static_cast<int>(names[i].size());
      elems[i] = call([p, len] { return PointerGetDatum(cstring_to_text_with_len(p, len)); });
    }
    Datum arr = call([elems, n] {
      return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
    });
    Oid argtypes[1] = {TEXTARRAYOID};
    Datum values[1] = {arr};
    const int rc = call([&argtypes, &values] {
      return SPI_execute_with_args("SELECT tag, users FROM cdp_tags WHERE tag = ANY($1)", 1,
                                   argtypes, values, nullptr, true, 0);
    });
    if (rc != SPI_OK_SELECT)
      throw Error(sqlstate::kInternalError, "cdp_audience: reading cdp_tags failed");
    SPITupleTable* tt = SPI_tuptable;
    for (uint64 r = 0; r < SPI_processed; ++r) {
      HeapTuple tup = tt->vals[r];
      bool n1 = false, n2 = false;
      Datum t = call([tup, tt, &n1] { return SPI_getbinval(tup, tt->tupdesc, 1, &n1); });
      Datum u = call([tup, tt, &n2] { return SPI_getbinval(tup, tt->tupdesc, 2, &n2); });
      if (n1) continue;
      std::string_view users;
      if (!n2) {
        auto* v = call([u] {
          return pg_detoast_datum_packed(reinterpret_cast<struct varlena*>(DatumGetPointer(u)));
        });
        users = {VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v)};
      }
      tags.emplace(std::string(text_view(t)),
                   n2 ? Bitmap() : Bitmap::deserialize_trusted(users.data(), users.size()));
    }
  }
  spi.finish();

  for (const std::string& n : names)
    if (tags.find(n) == tags.end())
      throw Error(sqlstate::kInvalidParameterValue,
                  "cdp_audience: unknown tag \"" + n + "\"", "Expression: " + expr,
                  "Tags are the rows of cdp_tags; create one with cdp_tag_add or cdp_tag_set.");
  Bitmap result = cdp::core::audience::evaluate(
      *root, [&tags](const std::string& n) -> const Bitmap& { return tags.find(n)->second; });
  result.run_optimize();
  return bitmap_datum(result);
}

// Peak resident memory of this backend (VmHWM of /proc/self/status) in kB, or
// -1 where unavailable. Not created by CREATE EXTENSION: the benchmarks
// declare it (see bench/queries_cdl.sql).
CDP_FUNCTION(cdp_test_peak_rss_kb) {
  long kb = -1;
  if (FILE* f = std::fopen("/proc/self/status", "r")) {
    char line[256];
    while (std::fgets(line, sizeof line, f))
      if (std::strncmp(line, "VmHWM:", 6) == 0) {
        kb = std::strtol(line + 6, nullptr, 10);
        break;
      }
    std::fclose(f);
  }
  PG_RETURN_INT64(kb);
}
