#include "common/api/paging.h"

#include "common/api/resource.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/errors.h"

namespace crm::api {
namespace {

using crm::db::SqlFragment;
using crm::db::SqlValue;

// The public API takes std::string_view; this Abseil build has its own
// absl::string_view, used inside.
absl::string_view ToAbsl(std::string_view text) { return {text.data(), text.size()}; }

// Token layout, before base64: version byte, 8-byte fingerprint hash, value
// count byte, the values (a tag byte, then 8 bytes for a number or a 4-byte
// length and the bytes for a string), and a 4-byte checksum of all that.
// Integers are big-endian.
constexpr uint8_t kTokenVersion = 1;
constexpr char kNullTag = 'n', kIntTag = 'i', kDoubleTag = 'd', kStringTag = 's';
constexpr size_t kChecksumBytes = 4;


void PutUint(uint64_t value, int bytes, std::string* out) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>(value >> (8 * i)));
}

// Reads the token's fields in order; each method fails when too few bytes are left.
class Reader {
 public:
  explicit Reader(absl::string_view data) : rest_(data) {}
  bool Uint(int bytes, uint64_t* value) {
    if (rest_.size() < static_cast<size_t>(bytes)) return false;
    *value = 0;
    for (int i = 0; i < bytes; ++i) *value = (*value << 8) | static_cast<unsigned char>(rest_[i]);
    rest_.remove_prefix(bytes);
    return true;
  }
  bool Bytes(size_t n, std::string* value) {
    if (rest_.size() < n) return false;
    value->assign(rest_.data(), n);
    rest_.remove_prefix(n);
    return true;
  }
  bool done() const { return rest_.empty(); }

 private:
  absl::string_view rest_;
};

bool ReadValue(Reader& reader, SqlValue* value) {
  uint64_t tag, bits;
  if (!reader.Uint(1, &tag)) return false;
  switch (static_cast<char>(tag)) {
    case kNullTag:
      *value = std::monostate();
      return true;
    case kIntTag:
      if (!reader.Uint(8, &bits)) return false;
      *value = static_cast<int64_t>(bits);
      return true;
    case kDoubleTag: {
      if (!reader.Uint(8, &bits)) return false;
      double number;
      std::memcpy(&number, &bits, sizeof number);
      *value = number;
      return true;
    }
    case kStringTag: {
      uint64_t size;
      std::string text;
      if (!reader.Uint(4, &size) || !reader.Bytes(size, &text)) return false;
      *value = std::move(text);
      return true;
    }
  }
  return false;
}

absl::Status TokenError(absl::string_view description) {
  return InvalidField("page_token", description);
}

}  // namespace

absl::StatusOr<OrderBy> ParseOrderBy(std::string_view order_by,
                                     const std::vector<OrderField>& allowed,
                                     std::string_view default_order, OrderKey tiebreaker) {
  absl::string_view spec = absl::StripAsciiWhitespace(ToAbsl(order_by));
  if (spec.empty()) spec = absl::StripAsciiWhitespace(ToAbsl(default_order));
  OrderBy order;
  std::set<absl::string_view> seen;
  std::vector<absl::string_view> parts;
  if (!spec.empty()) parts = absl::StrSplit(spec, ',');
  for (absl::string_view part : parts) {
    std::vector<absl::string_view> words =
        absl::StrSplit(part, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty());
    if (words.empty()) return InvalidField("order_by", "has an empty entry between commas");
    bool descending = words.size() == 2 && absl::EqualsIgnoreCase(words[1], "desc");
    bool ascending = words.size() == 2 && absl::EqualsIgnoreCase(words[1], "asc");
    if (words.size() != 1 && !descending && !ascending) {
      return InvalidField(
          "order_by", absl::StrCat("expected \"field\", \"field desc\" or \"field asc\", got \"",
                                   absl::StripAsciiWhitespace(part), "\""));
    }
    const OrderField* field = nullptr;
    for (const OrderField& candidate : allowed) {
      if (candidate.name == words[0]) field = &candidate;
    }
    if (field == nullptr) {
      std::vector<absl::string_view> names;
      for (const OrderField& candidate : allowed) names.push_back(candidate.name);
      return InvalidField("order_by", absl::StrCat("unknown field \"", words[0],
                                                   "\"; allowed: ", absl::StrJoin(names, ", ")));
    }
    if (!seen.insert(field->name).second) {
      return InvalidField("order_by", absl::StrCat("names \"", field->name, "\" twice"));
    }
    order.keys.push_back({field->sql, descending, field->is_int});
  }
  bool has_tiebreaker = false;
  for (const OrderKey& key : order.keys) has_tiebreaker |= key.sql == tiebreaker.sql;
  if (!has_tiebreaker) order.keys.push_back(std::move(tiebreaker));
  return order;
}

std::string OrderBySql(const OrderBy& order) {
  return absl::StrJoin(order.keys, ", ", [](std::string* out, const OrderKey& key) {
    absl::StrAppend(out, key.sql, key.descending ? " DESC" : " ASC");
  });
}

absl::StatusOr<int> EffectivePageSize(int32_t requested, int default_size, int max_size) {
  if (requested < 0) return InvalidField("page_size", "must not be negative");
  if (requested == 0) return default_size;
  return std::min<int>(requested, max_size);
}

std::string EncodePageToken(std::string_view query_fingerprint,
                            const std::vector<SqlValue>& last_key_values) {
  std::string data;
  data.push_back(static_cast<char>(kTokenVersion));
  PutUint(StableHash64(ToAbsl(query_fingerprint)), 8, &data);
  assert(last_key_values.size() <= 255);  // one byte holds the count: orders have few keys
  PutUint(last_key_values.size(), 1, &data);
  for (const SqlValue& value : last_key_values) {
    if (const auto* number = std::get_if<int64_t>(&value)) {
      data.push_back(kIntTag);
      PutUint(static_cast<uint64_t>(*number), 8, &data);
    } else if (const auto* text = std::get_if<std::string>(&value)) {
      data.push_back(kStringTag);
      PutUint(text->size(), 4, &data);
      data += *text;
    } else if (const auto* real = std::get_if<double>(&value)) {
      uint64_t bits;
      std::memcpy(&bits, real, sizeof bits);
      data.push_back(kDoubleTag);
      PutUint(bits, 8, &data);
    } else {
      data.push_back(kNullTag);
    }
  }
  PutUint(StableHash64(data), kChecksumBytes, &data);
  return absl::WebSafeBase64Escape(data);
}

absl::StatusOr<std::vector<SqlValue>> DecodePageToken(std::string_view token,
                                                      std::string_view query_fingerprint,
                                                      const OrderBy& order) {
  if (token.empty()) return std::vector<SqlValue>();
  const absl::Status malformed =
      TokenError("is not a valid page token; pass the next_page_token of the previous response");
  std::string data;
  if (!absl::WebSafeBase64Unescape(ToAbsl(token), &data) || data.size() < kChecksumBytes) {
    return malformed;
  }
  absl::string_view body(data.data(), data.size() - kChecksumBytes);
  uint64_t version, fingerprint, count, checksum;
  Reader trailer(absl::string_view(data).substr(body.size()));
  trailer.Uint(kChecksumBytes, &checksum);
  Reader reader(body);
  if (checksum != (StableHash64(body) & 0xffffffffu) || !reader.Uint(1, &version) ||
      version != kTokenVersion || !reader.Uint(8, &fingerprint) || !reader.Uint(1, &count)) {
    return malformed;
  }
  std::vector<SqlValue> values(count);
  for (SqlValue& value : values) {
    if (!ReadValue(reader, &value)) return malformed;
  }
  if (!reader.done()) return malformed;

  if (fingerprint != StableHash64(ToAbsl(query_fingerprint))) {
    return TokenError(
        "page token does not belong to this query; the filter, order_by (and other list "
        "parameters) must not change between pages");
  }
  if (values.size() != order.keys.size()) {
    return TokenError(absl::StrCat("page token holds ", values.size(), " values but the order has ",
                                   order.keys.size(),
                                   " keys; order_by must not change between pages"));
  }
  for (size_t i = 0; i < values.size(); ++i) {
    bool fits = order.keys[i].is_int ? std::holds_alternative<int64_t>(values[i])
                                     : std::holds_alternative<std::string>(values[i]);
    if (!fits) {
      return TokenError(absl::StrCat("page token value ", i + 1,
                                     " does not fit the order; order_by must not change "
                                     "between pages"));
    }
  }
  return values;
}

SqlFragment AfterCondition(const OrderBy& order, const std::vector<SqlValue>& last) {
  if (last.empty()) return {"1", {}};
  assert(last.size() == order.keys.size());
  SqlFragment after;
  std::vector<std::string> alternatives;
  // Row i: keys before i equal the last row's, key i strictly beyond it.
  for (size_t i = 0; i < order.keys.size(); ++i) {
    std::vector<std::string> conditions;
    for (size_t j = 0; j < i; ++j) {
      conditions.push_back(absl::StrCat(order.keys[j].sql, " = ?"));
      after.params.push_back(last[j]);
    }
    conditions.push_back(
        absl::StrCat(order.keys[i].sql, order.keys[i].descending ? " < ?" : " > ?"));
    after.params.push_back(last[i]);
    alternatives.push_back(absl::StrCat("(", absl::StrJoin(conditions, " AND "), ")"));
  }
  after.sql = absl::StrCat("(", absl::StrJoin(alternatives, " OR "), ")");
  return after;
}

}  // namespace crm::api
