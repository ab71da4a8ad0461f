#include "services/sales/activity_validation.h"

#include <set>

#include "absl/time/time.h"
#include "common/api/resource.h"
#include "common/validation/field_checks.h"

namespace crm::sales {
namespace {

using validation::Child;
using validation::Element;

constexpr absl::Duration kMaxDuration = absl::Hours(24 * 31);

bool IsScheduled(v1::ActivityType type) {
  return type == v1::ACTIVITY_TYPE_APPOINTMENT || type == v1::ACTIVITY_TYPE_VISIT;
}

}  // namespace

bool IsFinished(v1::ActivityStatus status) {
  return status == v1::ACTIVITY_STATUS_COMPLETED || status == v1::ACTIVITY_STATUS_CANCELLED;
}

void ClearActivityOutputOnly(v1::Activity* activity) {
  activity->clear_name();
  activity->clear_finish_time();
  activity->clear_create_time();
  activity->clear_update_time();
  activity->clear_etag();
}

void ValidateActivity(const v1::Activity& activity, const std::string& path, Violations* out) {
  const bool type_ok = validation::CheckRequiredEnum(activity.type(), v1::ActivityType_IsValid,
                                                     Child(path, "type"), out);
  validation::CheckRequiredText(activity.subject(), 200, Child(path, "subject"), out);
  validation::CheckText(activity.description(), 4000, Child(path, "description"), out);
  if (activity.owner().empty()) {
    out->Add(Child(path, "owner"), "is required");
  } else {
    out->AddAll(api::ParseResourceName(activity.owner(), "partners", Child(path, "owner")).status());
  }
  const std::string partners = Child(path, "partners");
  if (validation::CheckMaxEntries(activity.partners_size(), 20, partners, out)) {
    std::set<std::string> seen;
    for (int i = 0; i < activity.partners_size(); ++i) {
      const std::string at = Element(partners, i);
      const absl::Status name = api::ParseResourceName(activity.partners(i), "partners", at).status();
      if (!name.ok()) {
        out->AddAll(name);
      } else if (!seen.insert(activity.partners(i)).second) {
        out->Add(at, "is named twice");
      }
    }
  }
  if (!activity.opportunity().empty()) {
    out->AddAll(api::ParseResourceName(activity.opportunity(), "opportunities",
                                       Child(path, "opportunity"))
                    .status());
  }

  const std::string start = Child(path, "start_time");
  const std::string end = Child(path, "end_time");
  const std::string due = Child(path, "due_time");
  bool times_ok = true;
  for (const auto& [field, set, time] :
       {std::make_tuple(start, activity.has_start_time(), &activity.start_time()),
        std::make_tuple(end, activity.has_end_time(), &activity.end_time()),
        std::make_tuple(due, activity.has_due_time(), &activity.due_time())}) {
    if (set && !api::IsValidTimestamp(*time)) {
      out->Add(field, "must be a valid time between the years 1 and 9999");
      times_ok = false;
    }
  }
  if (type_ok && IsScheduled(activity.type())) {
    if (!activity.has_start_time()) out->Add(start, "is required for appointments and visits");
    if (!activity.has_end_time()) out->Add(end, "is required for appointments and visits");
    if (activity.has_due_time()) out->Add(due, "must be unset for appointments and visits");
  } else if (activity.has_start_time() != activity.has_end_time()) {
    out->Add(activity.has_start_time() ? end : start, "is required with the other");
  }
  if (times_ok && activity.has_start_time() && activity.has_end_time()) {
    const auto& start_time = activity.start_time();
    const auto& end_time = activity.end_time();
    const bool ends_after = end_time.seconds() > start_time.seconds() ||
                            (end_time.seconds() == start_time.seconds() &&
                             end_time.nanos() > start_time.nanos());
    const int64_t from = api::TimestampToMicros(start_time);
    const int64_t to = api::TimestampToMicros(end_time);
    if (!ends_after) {
      out->Add(end, "must be after start_time");
    } else if (absl::Microseconds(to - from) > kMaxDuration) {
      out->Add(end, "must be within 31 days of start_time");
    }
  }
  validation::CheckEnum(activity.status(), v1::ActivityStatus_IsValid, Child(path, "status"), out);
  validation::CheckText(activity.outcome(), 2000, Child(path, "outcome"), out);
}

}  // namespace crm::sales
