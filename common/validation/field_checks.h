// Checks of single request fields that every service's validation shares.
// Each adds a violation naming the field's path and returns whether the
// value passed, so that format checks can run only on sound text.
#ifndef CRM_COMMON_VALIDATION_FIELD_CHECKS_H_
#define CRM_COMMON_VALIDATION_FIELD_CHECKS_H_

#include <google/protobuf/repeated_field.h>

#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "common/errors.h"
#include "google/type/date.pb.h"

namespace crm::validation {

// "parent.field" ("field" when `parent` is empty).
std::string Child(std::string_view parent, std::string_view field);
// "list[index]".
std::string Element(std::string_view list, int index);

// Valid UTF-8 without control characters, at most `max_chars` code points.
bool CheckText(absl::string_view text, size_t max_chars, const std::string& field, Violations* out);
// CheckText, and not empty nor only spaces.
bool CheckRequiredText(absl::string_view text, size_t max_chars, const std::string& field,
                       Violations* out);

// A number the enum knows (proto3 keeps numbers it does not know);
// `is_valid` is the generated <Enum>_IsValid.
bool CheckEnum(int value, bool (*is_valid)(int), const std::string& field, Violations* out);
// CheckEnum, and not the zero (unspecified) value.
bool CheckRequiredEnum(int value, bool (*is_valid)(int), const std::string& field, Violations* out);

// A required, full and valid date.
bool CheckRequiredDate(const google::type::Date& date, const std::string& field, Violations* out);

// `first` and `last` both required and valid, `last` not before `first` and
// at most `max_days` after it (0: any distance).
void CheckDateRange(const google::type::Date& first, const std::string& first_field,
                    const google::type::Date& last, const std::string& last_field, int max_days,
                    Violations* out);

// Empty, or the name of a resource in `collection` ("{collection}/{id}").
void CheckOptionalReference(const std::string& name, absl::string_view collection,
                            const std::string& field, Violations* out);

// At most `max_entries` entries, each CheckRequiredText with `max_chars`
// and listed once (compared without regard to ASCII case): e.g. region
// names a rule matches.
void CheckTextList(const google::protobuf::RepeatedPtrField<std::string>& values, int max_entries,
                   size_t max_chars, const std::string& field, Violations* out);

// At most `max_entries` entries, each accepted by `is_valid` (else `form`
// is the violation) and listed once: e.g. country codes a rule matches.
void CheckCodeList(const google::protobuf::RepeatedPtrField<std::string>& values, int max_entries,
                   bool (*is_valid)(absl::string_view), const char* form, const std::string& field,
                   Violations* out);

// At most `max_entries` entries, each a known non-zero value of the enum
// (`is_valid` is the generated <Enum>_IsValid) listed once: e.g. the
// priorities a policy applies to.
void CheckEnumList(const google::protobuf::RepeatedField<int>& values, int max_entries,
                   bool (*is_valid)(int), const std::string& field, Violations* out);

// At most `max_entries` entries in a list.
bool CheckMaxEntries(int size, int max_entries, const std::string& field, Violations* out);

}  // namespace crm::validation

#endif  // CRM_COMMON_VALIDATION_FIELD_CHECKS_H_
