/**
 * Well-known Certificate Transparency logs by log ID (base64 of SHA-256 of the log's key), to name
 * the log of an SCT. A dated snapshot, since nothing may be fetched at build time here. The IDs and
 * descriptions are those of Google's CT log list v3 (https://www.gstatic.com/ct/log_list/v3/log_list.json,
 * which Chrome enforces) and Apple's (https://valid.apple.com/ct/log_list/current_log_list.json),
 * taken as republished in public tooling rather than from the lists themselves: a log ID is a hash
 * of a public key, so an entry is checkable — the unit tests check Argon2022, Xenon2022 and Pilot
 * against SHA-256 of their published keys; the rest are unverified. A log missing here (or named
 * wrongly) is shown by its ID, which is what the SCT itself carries. An update replaces the table
 * from the official lists and the date.
 */
export const CT_LOG_SNAPSHOT_DATE = '2025-06-22';

const LOGS: readonly (readonly [id: string, name: string])[] = [
  // Google
  ['pLkJkLQYWBSHuxOizGdwCjw1mAT5G9+443fNDsgN3BA=', "Google 'Pilot' log"],
  ['7ku9t3XOYLrhQmkfq+GeZqMPfl+wctiDAMR7iXqo/cs=', "Google 'Rocketeer' log"],
  ['aPaY+B9kgr46jO65KB1M/HFRXWeT1ETRCmesu09P+8Q=', "Google 'Aviator' log"],
  ['KTxRllTIOWW6qlD8WAfUt2+/WHopctykwwz05UVH9Hg=', "Google 'Icarus' log"],
  ['u9nfvB+KcbWTlCOXqpJ7RzhXlQqrUugakJZkNo4e0YU=', "Google 'Skydiver' log"],
  ['Y/Lbzeg7zCzPC3KEJ1drM6SNYXePvXWmOLHHaFRL2I0=', "Google 'Argon2019' log"],
  ['sh4FzIuizYogTodm+Su5iiUgZ2va+nDnsklTLe+LkF4=', "Google 'Argon2020' log"],
  ['9lyUL9F3MCIUVBgIMJRWjuNNExkzv98MLyALzE7xZOM=', "Google 'Argon2021' log"],
  ['KXm+8J45OSHwVnOfY6V35b5XfZxgCvj5TV0mXCVdx4Q=', "Google 'Argon2022' log"],
  ['6D7Q2j71BjUy51covIlryQPTy9ERa+zraeF3fW0GvW4=', "Google 'Argon2023' log"],
  ['7s3QZNXbGs7FXLedtM0TojKHRny87N7DUUhZRnEftZs=', "Google 'Argon2024' log"],
  ['TnWjJ1yaEMM4W2zU3z9S6x3w4I4bjWnAsfpksWKaOd8=', "Google 'Argon2025h1' log"],
  ['EvFONL1TckyEBhnDjz96E/jntWKHiJxtMAWE6+WGJjo=', "Google 'Argon2025h2' log"],
  ['DleUvPOuqT4zGyyZB7P3kN+bwj1xMiXdIaklrGHFTiE=', "Google 'Argon2026h1' log"],
  ['1219ENGn9XfCx+lf1wC/+YLJM1pl4dCzAXMXwMjFaXc=', "Google 'Argon2026h2' log"],
  ['CEEUmABxUywWGQRgvPxH/cJlOvopLHKzf/hjrinMyfA=', "Google 'Xenon2019' log"],
  ['B7dcG+V9aP/xsMYdIxXHuuZXfFeUt2ruvGE6GmnTohw=', "Google 'Xenon2020' log"],
  ['fT7y+I//iFVoJMLAyp5SiXkrxQ54CX8uapdomX4i8Nc=', "Google 'Xenon2021' log"],
  ['RqVV63X6kSAwtaKJafTzfREsQXS+/Um4havy/HD+bUc=', "Google 'Xenon2022' log"],
  ['rfe++nz/EMiLnT2cHj4YarRnKV3PsQwkyoWGNOvcgoo=', "Google 'Xenon2023' log"],
  ['dv+IPwq2+5VRwmHM9Ye6NLSkzbsp3GhCCp/mZ0xaOnQ=', "Google 'Xenon2024' log"],
  ['zxFW7tUufK/zh1vZaS6b6RpxZ0qwF+ysAdJbd87MOwg=', "Google 'Xenon2025h1' log"],
  ['3dzKNJXX4RYF55Uy+sef+D0cUN/bADoUEnYKLKy7yCo=', "Google 'Xenon2025h2' log"],
  ['lpdkv1VYl633Q4doNwhCd+nwOtX2pPM2bkakPw/KqcY=', "Google 'Xenon2026h1' log"],
  ['2AlVO5RPev/IFhlvlE+Fq7D4/F6HVSYPFdEucrtFSxQ=', "Google 'Xenon2026h2' log"],
  // Cloudflare
  ['Xqdz+d9WwOe1Nkh90EngMnqRmgyEoRIShBh1loFxRVg=', "Cloudflare 'Nimbus2020' Log"],
  ['RJRlLrDuzq/EQAfYqP4owNrmgr7YyzG1P9MzlrW2gag=', "Cloudflare 'Nimbus2021' Log"],
  ['QcjKsd8iRkoQxqE6CUKHXk4xixsD6+tLx2jwkGKWBvY=', "Cloudflare 'Nimbus2022' Log"],
  ['ejKMVNi3LbYg6jjgUh7phBZwMhOFTTvSK8E6V6NS61I=', "Cloudflare 'Nimbus2023' Log"],
  ['2ra/az+1tiKfm8K7XGvocJFxbLtRhIU0vaQ9MEjX+6s=', "Cloudflare 'Nimbus2024' Log"],
  ['zPsPaoVxCWX+lZtTzumyfCLphVwNl422qX5UwP5MDbA=', "Cloudflare 'Nimbus2025'"],
  ['yzj3FYl8hKFEX1vB3fvJbvKaWc1HCmkFhbDLFMMUWOc=', "Cloudflare 'Nimbus2026'"],
  // DigiCert
  ['VhQGmi/XwuzT9eG9RLI+x0Z2ubyZEVzA75SYVdaJ0N0=', 'DigiCert Log Server'],
  ['h3W/51l8+IxDmV+9827/Vo1HVjb/SrVgwbTq/16ggw8=', 'DigiCert Log Server 2'],
  ['xlKg7EjOs/yrFwmSxDqHQTMJ6ABlomJSQBujNioXxWU=', 'DigiCert Nessie2020 Log'],
  ['7sCV7o1yZA+S48O5G8cSo2lqCXtLahoUOOZHssvtxfk=', 'DigiCert Nessie2021 Log'],
  ['UaOw9f0BeZxWbbg3eI8MpHrMGyfL956IQpoN/tSLBeU=', 'DigiCert Nessie2022 Log'],
  ['s3N3B+GEUPhjhtYFqdwRCUp5LbFnDAuH3PADDnk2pZo=', 'DigiCert Nessie2023 Log'],
  ['c9meiRtMlnigIH1HneayxhzQUV5xGSqMa4AQesF3crU=', 'DigiCert Nessie2024 Log'],
  ['5tIxY0B3jMEQQQbXcbnOwdJA9paEhvu6hzId/R43jlA=', 'DigiCert Nessie2025 Log'],
  ['8JWkWfIA0YJAEC0vk4iOrUv+HUfjmeHQNKawqKqOsnM=', 'DigiCert Yeti2020 Log'],
  ['XNxDkv7mq0VEsV6a1FbmEDf71fpH3KFzlLJe5vbHDso=', 'DigiCert Yeti2021 Log'],
  ['IkVFB1lVJFaWP6Ev8fdthuAjJmOtwEt/XcaDXG7iDwI=', 'DigiCert Yeti2022 Log'],
  ['Nc8ZG7+xbFe/D61MbULLu7YnICZR6j/hKu+oA8M71kw=', 'DigiCert Yeti2023 Log'],
  ['SLDja9qmRzQP5WoC+p0w6xxSActW3SyB2bu/qznYhHM=', 'DigiCert Yeti2024 Log'],
  ['fVkeEuF4KnscYWd8Xv340IdcFKBOlZ65Ay/ZDowuebg=', 'DigiCert Yeti2025 Log'],
  ['3oWB11AkfGvNy69WN8XngcZM5G7WF2OfjzSnJsnivTc=', "DigiCert 'Sphinx2025h1' Log"],
  ['pELFBklgYVSPD9TqnPt6LSZFTYepfy/fRVn2J086hFQ=', "DigiCert 'Sphinx2025h2' Log"],
  ['SZybad4dfOz8Nt7Nh2SmuFuvCoeAGdFVUvvp6ynd+MM=', "DigiCert 'Sphinx2026h1'"],
  ['lE5Dh/rswe+B8xkkJqgYZQHH0184AgE/cmd9VTcuGdg=', "DigiCert 'Sphinx2026h2'"],
  ['cyAiDwgWivnzxKaLCrJqmkoA7vV3hYoITQUA1KVCRFk=', "DigiCert 'Wyvern2025h1' Log"],
  ['7TxL1ugGwqSiAFfbyyTiOAHfUS/txIbFcA8g3bc+P+A=', "DigiCert 'Wyvern2025h2' Log"],
  ['ZBHEbKQS7KeJHKICLgC8q08oB9QeNSer6v7VA8l9zfA=', "DigiCert 'Wyvern2026h1'"],
  ['wjF+V0UZo0XufzjespBB68fCIVoiv3/Vta12mtkOUs0=', "DigiCert 'Wyvern2026h2'"],
  // Let's Encrypt
  ['lCC8Ho7VjWyIcx+CiyIsDdHaTV5sT5Q9YdtOL1hNosI=', "Let's Encrypt 'Oak2021' log"],
  ['36Veq2iCTx9sre64X04+WurNohKkal6OOxLAIERcKnM=', "Let's Encrypt 'Oak2022' log"],
  ['tz77JN+cTbp18jnFulj0bF38Qs96nzXEnh0JgSXttJk=', "Let's Encrypt 'Oak2023' log"],
  ['O1N3dT4tuYBOizBbBv5AO2fYT8P0x70ADS1yb+H61Bc=', "Let's Encrypt 'Oak2024H1' log"],
  ['PxdLT9ciR1iUHWUchL4NEu2QN38fhWrrwb8ohez4ZG4=', "Let's Encrypt 'Oak2024H2' log"],
  ['ouMK5EXvva2bfjjtR2d3U9eCW4SU1yteGyzEuVCkR+c=', "Let's Encrypt 'Oak2025h1'"],
  ['DeHyMCvTDcFAYhIJ6lUu/Ed0fLHX6TDvDkIetH5OqjQ=', "Let's Encrypt 'Oak2025h2'"],
  ['GYbUxyiqb/66A294Kk0BkarOLXIxD67OXXBBLSVMx9Q=', "Let's Encrypt 'Oak2026h1'"],
  ['rKswcGzr7IQx9BPS9JFfER5CJEOx8qaMTzwrO6ceAsM=', "Let's Encrypt 'Oak2026h2'"],
  // Sectigo
  ['b1N2rDHwMRnYmQCkURX/dxUcEdkCwQApBo2yCJo32RM=', "Sectigo 'Mammoth' CT log"],
  ['VYHUwhaQNgFK6gubVzxT8MDkOHhwJQgXL6OqHQcT0ww=', "Sectigo 'Sabre' CT log"],
  ['E0rfGrWYQgl4DG/vTHqRpBa3I0nOWFdq367ap8Kr4CI=', "Sectigo 'Mammoth2025h1'"],
  ['rxgaKNaMo+CpikycZ6sJ+Lu8IrquvLE4o6Gd0/m2Aw0=', "Sectigo 'Mammoth2025h2'"],
  ['JS+Uwisp6W6fQRpyBytpXFtS/5epDSVAu/zcUexN7gs=', "Sectigo 'Mammoth2026h1'"],
  ['lLHBirDQV8R74KwEDh8svI3DdXJ7yVHyClJhJoY7pzw=', "Sectigo 'Mammoth2026h2'"],
  ['4JKz/AwdyOdoNh/eYbmWTQpSeBmKctZyxLBNpW1vVAQ=', "Sectigo 'Sabre2025h1'"],
  ['GgT/SdBUHUCv9qDDv/HYxGcvTuzuI0BomGsXQC7ciX0=', "Sectigo 'Sabre2025h2'"],
  ['VmzVo3a+g9/jQrZ1xJwjJJinabrDgsurSaOHfZqzLQE=', "Sectigo 'Sabre2026h1'"],
  ['H1bRq5RwSkHdP+r99GmTVTAsFDG/5hNGCJ//rnldzC8=', "Sectigo 'Sabre2026h2'"],
  // TrustAsia, Geomys
  ['KOKBOP2DIUXpqdaqdTdtg3eohRKzwH9yQUgh3L3pjGY=', 'TrustAsia Log2025a'],
  ['KCyL3YEP+QkSCs4W1uDsIBvqgqOkrxnZ7/tZ6D/cQmg=', 'TrustAsia Log2025b'],
  ['dNudWPfUfp39eHoWKpkcGM9pjafHKZGMmhiwRQ26RLw=', "TrustAsia 'log2026a'"],
  ['Jbfv3qETAZPtkweXcKoyKiZiDeNayKp8dRl94LGp4GU=', "TrustAsia 'log2026b'"],
  ['750EQi4gtDIQJ1TfUtJRRgJ/hEwH/YZeySLub86fe7w=', "Geomys 'Tuscolo2025h2'"],
  ['cX6V88I4im2x44RJPTHhWqliCHYtQgDgBQzQZ7WmYeI=', "Geomys 'Tuscolo2026h1'"],
  ['Rq+GPTs+5Z+ld96oJF02sNntIqIj9GF3QSKUUu6VUF8=', "Geomys 'Tuscolo2026h2'"],
];

const BY_ID = new Map(LOGS);

/** The log's name, for an SCT's log ID in base64; undefined for a log not in the snapshot. */
export function ctLogName(logIdBase64: string): string | undefined {
  return BY_ID.get(logIdBase64);
}
