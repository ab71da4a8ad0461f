#include "common/api/filter.h"

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/errors.h"

namespace crm::api {
namespace {

using crm::db::SqlFragment;
using crm::db::SqlValue;

absl::Status FilterError(absl::string_view description) {
  return InvalidField("filter", description);
}

std::string Quoted(absl::string_view text) { return absl::StrCat("\"", text, "\""); }

// Characters that end a bare word.
bool IsDelimiter(char c) {
  return absl::ascii_isspace(static_cast<unsigned char>(c)) || c == '(' || c == ')' || c == '"' ||
         c == '\'' || c == '=' || c == '<' || c == '>' || c == '!' || c == ':';
}

bool IsKeyword(absl::string_view word) { return word == "AND" || word == "OR" || word == "NOT"; }

// A value as written in the filter.
struct Literal {
  std::string text;       // escapes resolved, without the wildcard star
  bool wildcard = false;  // ended in an unescaped '*'
  absl::string_view raw;  // as written, for error messages
};

// The common prefix of the enum's names up to and including its last '_'
// ("PARTNER_CATEGORY_"), so that the rest ("PERSON") names a value alone.
absl::string_view EnumPrefix(const std::vector<std::pair<std::string, int64_t>>& values) {
  if (values.size() < 2) return {};
  absl::string_view prefix = values[0].first;
  for (const auto& value : values) {
    const std::string& name = value.first;
    size_t n = 0;
    while (n < prefix.size() && n < name.size() && prefix[n] == name[n]) ++n;
    prefix = prefix.substr(0, n);
  }
  size_t underscore = prefix.rfind('_');
  return underscore == absl::string_view::npos ? absl::string_view()
                                               : prefix.substr(0, underscore + 1);
}

// Makes `text` match itself literally in LIKE ... ESCAPE '\'.
std::string EscapeLike(absl::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// A recursive-descent parser that emits SQL while it reads.
class Parser {
 public:
  Parser(absl::string_view text, const std::vector<FilterField>& fields)
      : text_(text), fields_(fields) {}

  absl::StatusOr<SqlFragment> Parse() {
    absl::StatusOr<std::string> sql = Expression();
    if (!sql.ok()) return sql.status();
    // Expression() stops only at the end or at a ')' that closes nothing.
    if (pos_ < text_.size()) {
      return FilterError(absl::StrCat("unexpected ", Found(), " at position ", Position()));
    }
    return SqlFragment{*std::move(sql), std::move(params_)};
  }

 private:
  // expression = sequence {AND sequence}, sequence = factor {factor}: both
  // join with AND, so one loop reads them.
  absl::StatusOr<std::string> Expression() {
    std::vector<std::string> factors;
    while (true) {
      absl::StatusOr<std::string> factor = Factor();
      if (!factor.ok()) return factor.status();
      factors.push_back(*std::move(factor));
      SkipSpace();
      if (pos_ == text_.size() || text_[pos_] == ')') break;
      if (PeekWord() == "AND") pos_ += 3;
    }
    return Join(factors, " AND ");
  }

  absl::StatusOr<std::string> Factor() {
    std::vector<std::string> terms;
    while (true) {
      absl::StatusOr<std::string> term = Term();
      if (!term.ok()) return term.status();
      terms.push_back(*std::move(term));
      SkipSpace();
      if (PeekWord() != "OR") break;
      pos_ += 2;
    }
    return Join(terms, " OR ");
  }

  absl::StatusOr<std::string> Term() {
    SkipSpace();
    bool negated = false;
    if (PeekWord() == "NOT") {
      pos_ += 3;
      negated = true;
    } else if (pos_ < text_.size() && text_[pos_] == '-') {
      ++pos_;
      negated = true;
    }
    absl::StatusOr<std::string> simple = Simple();
    if (!simple.ok() || !negated) return simple;
    return absl::StrCat("(NOT ", *simple, ")");
  }

  absl::StatusOr<std::string> Simple() {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == '(') {
      size_t open = Position();
      if (++depth_ > kMaxFilterDepth) {
        return FilterError(
            absl::StrCat("parentheses nest deeper than ", kMaxFilterDepth, " at position ", open));
      }
      ++pos_;
      absl::StatusOr<std::string> inner = Expression();
      if (!inner.ok()) return inner;
      SkipSpace();
      if (pos_ == text_.size()) {
        return FilterError(absl::StrCat("missing \")\" for the \"(\" at position ", open));
      }
      ++pos_;  // Expression() stopped at ')'
      --depth_;
      return inner;
    }
    return Restriction();
  }

  absl::StatusOr<std::string> Restriction() {
    size_t field_position = Position();
    absl::string_view name = PeekWord();
    if (name.empty() || IsKeyword(name)) {
      return FilterError(absl::StrCat("expected a field name or \"(\" at position ", field_position,
                                      ", found ", Found()));
    }
    pos_ += name.size();
    const FilterField* field = FindField(name);
    if (field == nullptr) return UnknownField(name);

    SkipSpace();
    size_t op_position = Position();
    absl::string_view op = ReadComparator();
    if (op.empty()) {
      return FilterError(
          absl::StrCat("expected a comparison operator (=, !=, <, <=, >, >=, :) after ",
                       Quoted(name), " at position ", op_position, ", found ", Found()));
    }
    SkipSpace();
    absl::StatusOr<Literal> value = ReadValue(op, op_position);
    if (!value.ok()) return value.status();
    if (++comparisons_ > kMaxFilterComparisons) {
      return FilterError(absl::StrCat("has more than ", kMaxFilterComparisons,
                                      " comparisons; the one at position ", field_position,
                                      " is too many"));
    }
    return Compare(*field, op, *value);
  }

  // Emits the SQL of `field op value`, binding the value.
  absl::StatusOr<std::string> Compare(const FilterField& field, absl::string_view op,
                                      const Literal& value) {
    const bool is_template = field.sql.find('?') != std::string::npos;
    const bool equality = op == "=" || op == "!=" || op == ":";
    if (!equality &&
        (is_template || field.type == FieldType::kEnum || field.type == FieldType::kBool)) {
      return FilterError(
          absl::StrCat("field ", Quoted(field.name), " allows only =, != and :, not ", Quoted(op)));
    }
    const bool prefix_match = field.type == FieldType::kString && value.wildcard;
    if (prefix_match && !equality) {
      return FilterError(absl::StrCat("a \"*\" prefix match on field ", Quoted(field.name),
                                      " needs =, : or !=, not ", Quoted(op),
                                      "; write \\* in quotes for a literal star"));
    }
    if (prefix_match && is_template) {
      return FilterError(
          absl::StrCat("field ", Quoted(field.name), " does not support \"*\" prefix matching"));
    }

    absl::StatusOr<SqlValue> bound = Bind(field, value);
    if (!bound.ok()) return bound.status();

    if (is_template) {
      for (char c : field.sql) {
        if (c == '?') params_.push_back(*bound);
      }
      return op == "!=" ? absl::StrCat("(NOT (", field.sql, "))")
                        : absl::StrCat("(", field.sql, ")");
    }
    params_.push_back(*std::move(bound));
    if (prefix_match) {
      return absl::StrCat("(", field.sql, op == "!=" ? " NOT LIKE" : " LIKE", " ? ESCAPE '\\')");
    }
    return absl::StrCat("(", field.sql, " ", op == ":" ? "=" : op == "!=" ? "<>" : op, " ?)");
  }

  // The value of `literal` for `field`'s type.
  absl::StatusOr<SqlValue> Bind(const FilterField& field, const Literal& literal) {
    auto expected = [&](absl::string_view what) {
      return FilterError(absl::StrCat("field ", Quoted(field.name), " expects ", what, ", got ",
                                      Quoted(literal.raw)));
    };
    if (field.type == FieldType::kString) {
      if (literal.wildcard) return SqlValue(absl::StrCat(EscapeLike(literal.text), "%"));
      return SqlValue(literal.text);
    }
    if (literal.wildcard) return expected("an exact value (\"*\" works on strings only)");
    switch (field.type) {
      case FieldType::kInt: {
        int64_t number;
        if (!absl::SimpleAtoi(literal.text, &number)) return expected("an integer");
        return SqlValue(number);
      }
      case FieldType::kNumber: {
        double number;
        if (!absl::SimpleAtod(literal.text, &number) || !std::isfinite(number)) {
          return expected("a number");
        }
        return SqlValue(number);
      }
      case FieldType::kDate: {
        absl::CivilDay day;
        if (literal.text.size() != 10 || !absl::ParseCivilTime(literal.text, &day) ||
            absl::FormatCivilTime(day) != literal.text) {
          return expected("a date such as \"2026-01-31\"");
        }
        return SqlValue(literal.text);
      }
      case FieldType::kBool:
        if (literal.text == "true") return SqlValue(int64_t{1});
        if (literal.text == "false") return SqlValue(int64_t{0});
        return expected("true or false");
      case FieldType::kEnum: {
        absl::string_view prefix = EnumPrefix(field.enum_values);
        for (const auto& [name, number] : field.enum_values) {
          if (name == literal.text ||
              (!prefix.empty() && name == absl::StrCat(prefix, literal.text))) {
            return SqlValue(number);
          }
        }
        std::vector<absl::string_view> names;
        for (const auto& entry : field.enum_values) names.push_back(entry.first);
        return expected(absl::StrCat("one of ", absl::StrJoin(names, ", ")));
      }
      case FieldType::kTimestamp: {
        absl::Time time;
        std::string error;
        // Years 1..9999, as RFC 3339 and google.protobuf.Timestamp allow.
        static const absl::Time kMin =
            absl::FromCivil(absl::CivilSecond(1, 1, 1), absl::UTCTimeZone());
        static const absl::Time kEnd =
            absl::FromCivil(absl::CivilSecond(10000, 1, 1), absl::UTCTimeZone());
        if (!absl::ParseTime(absl::RFC3339_full, literal.text, &time, &error) || time < kMin ||
            time >= kEnd) {
          return expected("an RFC 3339 timestamp such as \"2026-01-02T03:04:05Z\"");
        }
        return SqlValue(absl::ToUnixMicros(time));
      }
      case FieldType::kString:
        break;
    }
    return absl::InternalError("unhandled filter field type");
  }

  const FilterField* FindField(absl::string_view name) const {
    for (const FilterField& field : fields_) {
      if (field.name == name) return &field;
    }
    return nullptr;
  }

  absl::Status UnknownField(absl::string_view name) const {
    std::vector<absl::string_view> names;
    for (const FilterField& field : fields_) names.push_back(field.name);
    std::string hint;
    if (name == "and" || name == "or" || name == "not") {
      hint = " (the keywords AND, OR and NOT are upper-case)";
    }
    return FilterError(absl::StrCat("unknown field ", Quoted(name), hint,
                                    "; allowed: ", absl::StrJoin(names, ", ")));
  }

  absl::string_view ReadComparator() {
    for (absl::string_view op : {"<=", ">=", "!=", "=", "<", ">", ":"}) {
      if (absl::StartsWith(text_.substr(pos_), op)) {
        pos_ += op.size();
        return op;
      }
    }
    return {};
  }

  absl::StatusOr<Literal> ReadValue(absl::string_view op, size_t op_position) {
    size_t start = pos_;
    Literal literal;
    if (pos_ < text_.size() && (text_[pos_] == '"' || text_[pos_] == '\'')) {
      const char quote = text_[pos_++];
      bool last_escaped = false;
      while (true) {
        if (pos_ == text_.size()) {
          return FilterError(absl::StrCat("unterminated string starting at position ", start + 1));
        }
        char c = text_[pos_++];
        if (c == quote) break;
        last_escaped = c == '\\';
        if (last_escaped) {
          if (pos_ == text_.size()) continue;  // reported as unterminated
          c = text_[pos_++];
          if (c != '"' && c != '\'' && c != '\\' && c != '*') {
            return FilterError(absl::StrCat("unknown escape \"\\", std::string(1, c),
                                            "\" at position ", pos_ - 1,
                                            "; only \\\" \\' \\\\ and \\* are allowed"));
          }
        }
        literal.text += c;
      }
      literal.wildcard = !last_escaped && absl::EndsWith(literal.text, "*");
    } else {
      absl::string_view word = PeekWord();
      if (word.empty() || IsKeyword(word)) {
        return FilterError(absl::StrCat("expected a value after ", Quoted(op), " at position ",
                                        op_position, ", found ", Found()));
      }
      pos_ += word.size();
      literal.text = std::string(word);
      literal.wildcard = absl::EndsWith(word, "*");
    }
    if (literal.wildcard) literal.text.pop_back();
    literal.raw = text_.substr(start, pos_ - start);
    return literal;
  }

  // The bare word at the current position (empty if none).
  absl::string_view PeekWord() const {
    size_t end = pos_;
    while (end < text_.size() && !IsDelimiter(text_[end])) ++end;
    return text_.substr(pos_, end - pos_);
  }

  // What is at the current position, for error messages.
  std::string Found() const {
    if (pos_ == text_.size()) return "the end of the filter";
    absl::string_view word = PeekWord();
    return Quoted(word.empty() ? text_.substr(pos_, 1) : word);
  }

  void SkipSpace() {
    while (pos_ < text_.size() && absl::ascii_isspace(static_cast<unsigned char>(text_[pos_]))) {
      ++pos_;
    }
  }

  size_t Position() const { return pos_ + 1; }

  static std::string Join(const std::vector<std::string>& parts, absl::string_view separator) {
    if (parts.size() == 1) return parts[0];
    return absl::StrCat("(", absl::StrJoin(parts, separator), ")");
  }

  absl::string_view text_;
  const std::vector<FilterField>& fields_;
  size_t pos_ = 0;
  int depth_ = 0;
  int comparisons_ = 0;
  std::vector<SqlValue> params_;
};

}  // namespace

absl::StatusOr<SqlFragment> CompileFilter(std::string_view filter_text,
                                          const std::vector<FilterField>& fields) {
  // This Abseil build has its own absl::string_view, used inside.
  const absl::string_view filter(filter_text.data(), filter_text.size());
  if (filter.size() > kMaxFilterBytes) {
    return FilterError(
        absl::StrCat("is too long: ", filter.size(), " bytes, at most ", kMaxFilterBytes));
  }
  if (absl::StripAsciiWhitespace(filter).empty()) return SqlFragment{"1", {}};
  return Parser(filter, fields).Parse();
}

std::vector<std::pair<std::string, int64_t>> EnumFilterValues(
    const google::protobuf::EnumDescriptor* descriptor) {
  std::vector<std::pair<std::string, int64_t>> values;
  for (int i = 0; i < descriptor->value_count(); ++i) {
    if (descriptor->value(i)->number() == 0) continue;
    values.emplace_back(descriptor->value(i)->name(), descriptor->value(i)->number());
  }
  return values;
}

}  // namespace crm::api
