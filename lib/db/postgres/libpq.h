/*
 * libpq.h - libpq for libdbrev's own files, loaded on first use.
 *
 * Include this instead of <libpq-fe.h>.  It renames every libpq function
 * libdbrev calls to dbrev_<name> before libpq's header declares it, so
 * the declarations, the calls and the forwarders in libpq.c
 * all use the prefixed names: libdbrev.a defines no symbol of libpq's
 * own and cannot clash with a program that links libpq too.  A function
 * used here must be listed here and forwarded in libpq.c;
 * tests/cli/build.sh fails when libdbrev.a calls libpq directly.
 */
#ifndef DBREV_POSTGRES_LIBPQ_H
#define DBREV_POSTGRES_LIBPQ_H

#define PQclear                  dbrev_PQclear
#define PQclientEncoding         dbrev_PQclientEncoding
#define PQcmdStatus              dbrev_PQcmdStatus
#define PQcmdTuples              dbrev_PQcmdTuples
#define PQconndefaults           dbrev_PQconndefaults
#define PQconnectdb              dbrev_PQconnectdb
#define PQconnectdbParams        dbrev_PQconnectdbParams
#define PQconninfoFree           dbrev_PQconninfoFree
#define PQconninfoParse          dbrev_PQconninfoParse
#define PQconsumeInput           dbrev_PQconsumeInput
#define PQdb                     dbrev_PQdb
#define PQenterPipelineMode      dbrev_PQenterPipelineMode
#define PQerrorMessage           dbrev_PQerrorMessage
#define PQescapeIdentifier       dbrev_PQescapeIdentifier
#define PQescapeLiteral          dbrev_PQescapeLiteral
#define PQexec                   dbrev_PQexec
#define PQexecParams             dbrev_PQexecParams
#define PQexecPrepared           dbrev_PQexecPrepared
#define PQexitPipelineMode       dbrev_PQexitPipelineMode
#define PQfinish                 dbrev_PQfinish
#define PQfname                  dbrev_PQfname
#define PQfreemem                dbrev_PQfreemem
#define PQgetCopyData            dbrev_PQgetCopyData
#define PQgetResult              dbrev_PQgetResult
#define PQgetisnull              dbrev_PQgetisnull
#define PQgetlength              dbrev_PQgetlength
#define PQgetvalue               dbrev_PQgetvalue
#define PQhost                   dbrev_PQhost
#define PQisBusy                 dbrev_PQisBusy
#define PQlibVersion             dbrev_PQlibVersion
#define PQnfields                dbrev_PQnfields
#define PQntuples                dbrev_PQntuples
#define PQparameterStatus        dbrev_PQparameterStatus
#define PQping                   dbrev_PQping
#define PQpipelineSync           dbrev_PQpipelineSync
#define PQport                   dbrev_PQport
#define PQprepare                dbrev_PQprepare
#define PQputCopyData            dbrev_PQputCopyData
#define PQputCopyEnd             dbrev_PQputCopyEnd
#define PQresStatus              dbrev_PQresStatus
#define PQreset                  dbrev_PQreset
#define PQresultErrorField       dbrev_PQresultErrorField
#define PQresultErrorMessage     dbrev_PQresultErrorMessage
#define PQresultStatus           dbrev_PQresultStatus
#define PQsendQuery              dbrev_PQsendQuery
#define PQsendQueryParams        dbrev_PQsendQueryParams
#define PQsendQueryPrepared      dbrev_PQsendQueryPrepared
#define PQserverVersion          dbrev_PQserverVersion
#define PQsetErrorVerbosity      dbrev_PQsetErrorVerbosity
#define PQsetNoticeProcessor     dbrev_PQsetNoticeProcessor
#define PQsetNoticeReceiver      dbrev_PQsetNoticeReceiver
#define PQsocket                 dbrev_PQsocket
#define PQstatus                 dbrev_PQstatus
#define PQtransactionStatus      dbrev_PQtransactionStatus
#define PQuser                   dbrev_PQuser
#define pg_encoding_to_char      dbrev_pg_encoding_to_char

#include <libpq-fe.h>

#endif /* DBREV_POSTGRES_LIBPQ_H */
