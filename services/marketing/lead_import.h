// ImportLeads: CSV rows streamed in, one result per row streamed out. The
// pure part (header and row to lead) is separate from the reactor so that
// it can be tested on its own.
#ifndef CRM_SERVICES_MARKETING_LEAD_IMPORT_H_
#define CRM_SERVICES_MARKETING_LEAD_IMPORT_H_

#include <grpcpp/grpcpp.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/server/runtime.h"
#include "common/text/csv_reader.h"
#include "crm/marketing/v1/lead_service.pb.h"

namespace crm::marketing {

// Which lead field each CSV column fills, from the header line.
class LeadColumns {
 public:
  // INVALID_ARGUMENT naming "csv_chunk" for an unknown or repeated column,
  // or without a family_name column.
  static absl::StatusOr<LeadColumns> FromHeader(const std::vector<std::string>& header);

  // The row as a lead with `settings` applied, or why it cannot be one:
  // `column` and `reason` set, false returned. The lead still needs
  // ValidateLead.
  bool RowToLead(const text::CsvRecord& row, const v1::LeadImportSettings& settings, v1::Lead* lead,
                 std::string* column, std::string* reason) const;

 private:
  std::vector<std::string> names_;  // per column, its name
};

// The CSV column a ValidateLead path names ("lead.contact.email" is
// "email"), or the path itself when no column fills that field.
std::string ColumnOfPath(const std::string& path);

// The reactor of one ImportLeads call.
grpc::ServerBidiReactor<v1::ImportLeadsRequest, v1::ImportLeadsResponse>* StartLeadImport(
    server::Runtime& runtime, grpc::CallbackServerContext* context);

}  // namespace crm::marketing

#endif  // CRM_SERVICES_MARKETING_LEAD_IMPORT_H_
