#include "common/validation/field_checks.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/api/resource.h"
#include "common/validation/formats.h"

namespace crm::validation {

std::string Child(std::string_view parent, std::string_view field) {
  std::string path(parent);
  if (!path.empty()) path += '.';
  path += field;
  return path;
}

std::string Element(std::string_view list, int index) {
  return absl::StrCat(absl::string_view(list.data(), list.size()), "[", index, "]");
}

bool CheckText(absl::string_view text, size_t max_chars, const std::string& field,
               Violations* out) {
  const TextCheck check = validation::CheckText(text);
  switch (check.problem) {
    case TextProblem::kNone:
      break;
    case TextProblem::kInvalidUtf8:
      out->Add(field, "must be valid UTF-8");
      return false;
    case TextProblem::kControlCharacters:
      out->Add(field, "contains control characters");
      return false;
  }
  if (check.length > max_chars) {
    out->Add(field, absl::StrCat("must be at most ", max_chars, " characters"));
    return false;
  }
  return true;
}

bool CheckRequiredText(absl::string_view text, size_t max_chars, const std::string& field,
                       Violations* out) {
  if (absl::StripAsciiWhitespace(text).empty()) {
    out->Add(field, text.empty() ? "is required" : "is required; it holds only spaces");
    return false;
  }
  return CheckText(text, max_chars, field, out);
}

bool CheckEnum(int value, bool (*is_valid)(int), const std::string& field, Violations* out) {
  if (is_valid(value)) return true;
  out->Add(field, absl::StrCat("unknown value ", value));
  return false;
}

bool CheckRequiredEnum(int value, bool (*is_valid)(int), const std::string& field,
                       Violations* out) {
  if (!CheckEnum(value, is_valid, field, out)) return false;
  if (value != 0) return true;
  out->Add(field, "is required");
  return false;
}

bool CheckMaxEntries(int size, int max_entries, const std::string& field, Violations* out) {
  if (size <= max_entries) return true;
  out->Add(field, absl::StrCat("must have at most ", max_entries, " entries"));
  return false;
}

void CheckEnumList(const google::protobuf::RepeatedField<int>& values, int max_entries,
                   bool (*is_valid)(int), const std::string& field, Violations* out) {
  if (!CheckMaxEntries(values.size(), max_entries, field, out)) return;
  std::set<int> seen;
  for (int i = 0; i < values.size(); ++i) {
    const std::string at = Element(field, i);
    if (CheckRequiredEnum(values.Get(i), is_valid, at, out) && !seen.insert(values.Get(i)).second) {
      out->Add(at, "is listed twice");
    }
  }
}

void CheckTextList(const google::protobuf::RepeatedPtrField<std::string>& values, int max_entries,
                   size_t max_chars, const std::string& field, Violations* out) {
  if (!CheckMaxEntries(values.size(), max_entries, field, out)) return;
  std::set<std::string> seen;
  for (int i = 0; i < values.size(); ++i) {
    const std::string at = Element(field, i);
    if (CheckRequiredText(values.Get(i), max_chars, at, out) &&
        !seen.insert(absl::AsciiStrToLower(values.Get(i))).second) {
      out->Add(at, "is listed twice");
    }
  }
}

void CheckCodeList(const google::protobuf::RepeatedPtrField<std::string>& values, int max_entries,
                   bool (*is_valid)(absl::string_view), const char* form, const std::string& field,
                   Violations* out) {
  if (!CheckMaxEntries(values.size(), max_entries, field, out)) return;
  std::set<std::string> seen;
  for (int i = 0; i < values.size(); ++i) {
    const std::string at = Element(field, i);
    if (!is_valid(values.Get(i))) {
      out->Add(at, form);
    } else if (!seen.insert(values.Get(i)).second) {
      out->Add(at, "is listed twice");
    }
  }
}

bool CheckRequiredDate(const google::type::Date& date, const std::string& field, Violations* out) {
  if (!api::IsDateSet(date)) {
    out->Add(field, "is required");
    return false;
  }
  if (!IsValidDate(date)) {
    out->Add(field, "must be a full, valid date");
    return false;
  }
  return true;
}

void CheckDateRange(const google::type::Date& first, const std::string& first_field,
                    const google::type::Date& last, const std::string& last_field, int max_days,
                    Violations* out) {
  const bool first_ok = CheckRequiredDate(first, first_field, out);
  if (!CheckRequiredDate(last, last_field, out) || !first_ok) return;
  const absl::CivilDay a = api::CivilDayOf(first), b = api::CivilDayOf(last);
  if (b < a) {
    out->Add(last_field,
             absl::StrCat("must not be before ", first_field, " (", api::IsoDate(first), ")"));
  } else if (max_days > 0 && b - a > max_days) {
    out->Add(last_field, absl::StrCat("must be at most ", max_days, " days after ", first_field));
  }
}

void CheckOptionalReference(const std::string& name, absl::string_view collection,
                            const std::string& field, Violations* out) {
  if (!name.empty()) out->AddAll(api::ParseResourceName(name, collection, field).status());
}

}  // namespace crm::validation
