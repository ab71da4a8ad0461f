#include "common/server/resource_handlers.h"

#include "absl/strings/str_cat.h"

namespace crm::server {

void ClearOutputOnlyFields(google::protobuf::Message* resource) {
  const google::protobuf::Descriptor* d = resource->GetDescriptor();
  for (const char* field : {"name", "create_time", "update_time", "etag"}) {
    if (const google::protobuf::FieldDescriptor* f = d->FindFieldByName(field)) {
      resource->GetReflection()->ClearField(resource, f);
    }
  }
}

api::FieldMaskRules WithOutputOnlyFields(api::FieldMaskRules rules) {
  rules.output_only.insert({"name", "create_time", "update_time", "etag"});
  return rules;
}

absl::StatusOr<ListQuery> FilteredListQuery(int32_t page_size, const std::string& page_token,
                                            const std::string& filter, const std::string& order_by,
                                            const std::vector<api::FilterField>& filter_fields,
                                            const std::vector<api::OrderField>& order_fields,
                                            const std::string& default_order) {
  absl::StatusOr<db::SqlFragment> where = api::CompileFilter(filter, filter_fields);
  if (!where.ok()) return where.status();
  // Ids are unique and stable: the tie-breaker of every order.
  absl::StatusOr<api::OrderBy> order =
      api::ParseOrderBy(order_by, order_fields, default_order, {"id", false, false});
  if (!order.ok()) return order.status();
  ListQuery query;
  query.page_size = page_size;
  query.page_token = page_token;
  query.fingerprint = absl::StrCat(filter, "\n", order_by);
  query.where = *std::move(where);
  query.order = *std::move(order);
  return query;
}

}  // namespace crm::server
