# Writes the bytes of IN as a C array named NAME (with NAME_len) to OUT:
# cmake -DIN=file -DOUT=file.c -DNAME=symbol -P tools/embed.cmake
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" n)
math(EXPR len "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
file(WRITE "${OUT}" "/* Generated from ${IN}: do not edit. */\n#include <stddef.h>\n\nextern const unsigned char ${NAME}[];\nextern const size_t ${NAME}_len;\nconst unsigned char ${NAME}[] = { ${body} };\nconst size_t ${NAME}_len = ${len};\n")
