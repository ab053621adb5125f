#define LSC_CAPTURES_DIR "/usr/local/share/layerscope/captures"
