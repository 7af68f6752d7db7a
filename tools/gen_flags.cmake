# Writes OUT, a C header of the PPM flag and enum values of IN
# (bpf/shared/flags.def) as constants: FV("NAME", v) of FT(table, ...)
# becomes `#define PPM_TABLE_NAME v`, so that code naming a wire value
# takes it from the one table rather than copying it.
# cmake -DIN=bpf/shared/flags.def -DOUT=ppm_flags.h -P tools/gen_flags.cmake
file(STRINGS "${IN}" lines)
set(body "/* Generated from ${IN}: do not edit. */\n#pragma once\n\n")
set(table "")
foreach(line IN LISTS lines)
  if(line MATCHES "^FT\\(([a-z0-9_]+),")
    string(TOUPPER "${CMAKE_MATCH_1}" table)
  elseif(line MATCHES "^[ \t]*FV\\(\"([A-Za-z0-9_]+)\", ([^)]+)\\)")
    string(APPEND body "#define PPM_${table}_${CMAKE_MATCH_1} ${CMAKE_MATCH_2}\n")
  endif()
endforeach()
file(WRITE "${OUT}.tmp" "${body}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
