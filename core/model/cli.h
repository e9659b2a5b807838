// Entry points of the model executables (torch-free header): the mains in
// app/train only forward to these, so all logic stays in the library.
#pragma once

namespace boxanim::model {

int trainMain(int argc, char** argv);   // boxanim-train
int sampleMain(int argc, char** argv);  // boxanim-sample

}  // namespace boxanim::model
