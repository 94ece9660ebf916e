// Errors raised by the pure C++ core.
//
// The core never includes PostgreSQL headers, so it names SQLSTATEs by their
// five-character text; the PostgreSQL glue (include/cdp/pg/bridge.h) turns a
// cdp::core::Error into ereport(ERROR) with that SQLSTATE after the C++ stack
// has unwound.
#pragma once

#ifdef POSTGRES_H
static_assert(false, "include/cdp/core must not see PostgreSQL headers");
#endif

#include <stdexcept>
#include <string>

namespace cdp::core {

// SQLSTATE codes used by the core (see PostgreSQL's errcodes.txt).
namespace sqlstate {
inline constexpr const char* kInvalidTextRepresentation = "22P02";
inline constexpr const char* kInvalidParameterValue = "22023";
inline constexpr const char* kNullValueNotAllowed = "22004";
inline constexpr const char* kProgramLimitExceeded = "54000";
inline constexpr const char* kDatatypeMismatch = "42804";
inline constexpr const char* kDataCorrupted = "XX001";
inline constexpr const char* kInternalError = "XX000";
}  // namespace sqlstate

class Error : public std::runtime_error {
 public:
  Error(const char* sqlstate, std::string message, std::string detail = {},
        std::string hint = {})
      : std::runtime_error(std::move(message)),
        detail_(std::move(detail)),
        hint_(std::move(hint)) {
    for (int i = 0; i < 5; ++i) sqlstate_[i] = sqlstate[i];
    sqlstate_[5] = '\0';
  }
  const char* sqlstate() const noexcept { return sqlstate_; }
  const std::string& detail() const noexcept { return detail_; }
  const std::string& hint() const noexcept { return hint_; }

 private:
  char sqlstate_[6];
  std::string detail_;
  std::string hint_;
};

}  // namespace cdp::core
