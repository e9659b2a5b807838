// The editor window: canvas in the centre, objects / inspector / timeline in
// docks, menus, toolbar and status bar; file handling, autosave and recovery.
// Later panels (generation, results) plug in through addPanel() and the
// canvas overlay (Canvas::setOverlayImage); Export… is enabled by them.
#pragma once

#include <QMainWindow>
#include <QStringList>
#include <memory>

#include "ui/autosave.h"
#include "ui/canvas.h"

class QAction;
class QActionGroup;
class QDockWidget;
class QLabel;
class QMenu;
class QTimer;

namespace boxanim::ui {

class Document;
class TimelineView;
class ObjectsPanel;
class Inspector;
class Prompts;
class GenerationController;
class GenerationPanel;
class Player;
class ExportDialog;
class ProjectBar;
class ClipCache;
class MatteOverlay;

struct MainWindowOptions {
    bool persistentSettings = true;  // restore/save geometry, layout and recent files
    bool autosave = true;            // run the autosave timer
    QString autosaveDir;             // empty: the user's app-data folder
    QString clipCacheDir;            // empty: the user's cache folder (clips/)
    bool mattes = true;              // View > Show Mattes at start (the matte worker)
};

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(const MainWindowOptions& options = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    Document* document() const { return doc_; }
    Canvas* canvas() const { return canvas_; }
    TimelineView* timeline() const { return timeline_; }
    ObjectsPanel* objectsPanel() const { return objects_; }
    Inspector* inspector() const { return inspector_; }
    // Frames, fps and output size, above the timeline.
    ProjectBar* projectBar() const { return projectBar_; }
    QAction* exportAction() const { return exportAct_; }
    QAction* undoAction() const { return undoAct_; }
    QAction* redoAction() const { return redoAct_; }
    QAction* deleteAction() const { return deleteAct_; }
    QAction* toolAction(Canvas::Tool tool) const;
    // Generation (null when built without core/engine).
    GenerationController* generationController() const { return gen_; }
    GenerationPanel* generationPanel() const { return genPanel_; }
    Player* player() const { return player_; }
    QAction* generateAction() const { return generateAct_; }
    QAction* cancelAction() const { return cancelAct_; }
    QAction* playAction() const { return playAct_; }
    QAction* showClipAction() const { return clipAct_; }
    // Boxes and paths over the photo or the clip (on by default).
    QAction* showBoxesAction() const { return boxesAct_; }
    MatteOverlay* matteOverlay() const { return matteOverlay_; }
    QAction* showMattesAction() const { return showMattesAct_; }
    // The export dialog for the current clip (null without one); exportClip() runs it.
    ExportDialog* createExportDialog();
    const Autosave& autosave() const { return autosave_; }
    // The last clip of each project, reused on reopen (null without generation).
    ClipCache* clipCache() const { return clipCache_; }
    QStringList recentFiles() const { return recent_; }

    void setPrompts(std::unique_ptr<Prompts> prompts);
    // Docks a panel (e.g. generation) and lists it in the View menu.
    void addPanel(QDockWidget* dock, Qt::DockWidgetArea area);

    // Files. Each returns false (with the reason shown) and leaves the current
    // document untouched when it fails or the user cancels.
    bool openFile(const QString& path);  // a .boxanim project or an image
    bool openProject(const QString& path);
    bool newFromImage(const QString& path);
    bool save();
    bool saveAs();
    bool saveTo(const QString& path);
    bool maybeSave();  // asks about unsaved changes; false = cancelled

    // Autosave / recovery.
    void setAutosaveInterval(int ms);
    int autosaveInterval() const;
    bool autosaveNow();
    // At start without a file: offers the newest recoverable autosave.
    bool offerRecovery();

public slots:
    // Sets the frame count; lowering it when keys or paths would fall off
    // asks first (scale them with the timeline, remove them, or cancel).
    // Returns whether the count changed.
    bool setFrameCount(int frames);
    void deleteSelection();
    void showShortcuts();
    void exportClip();

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createActions();
    void createMenus();
    void createDocks();
    void createGeneration();
    void onGenerationEnded();
    void updateTitle();
    void updateActions();
    void updateFrameLabel();
    void addRecent(const QString& path);
    void rebuildRecentMenu();
    void readSettings();
    void writeSettings();
    bool offerRecoveryFor(const Autosave::Entry& entry, const QString& openedPath);
    void showStatus(const QString& text, int ms = 6000);
    QImage readImage(const QString& path, QString* error) const;
    QString relinkDifference(const Project& p, const QString& chosen, const QSize& size) const;

    MainWindowOptions options_;
    Document* doc_;
    Canvas* canvas_;
    TimelineView* timeline_;
    ObjectsPanel* objects_;
    Inspector* inspector_;
    ProjectBar* projectBar_;
    QDockWidget *objectsDock_, *inspectorDock_, *timelineDock_;
    std::unique_ptr<Prompts> prompts_;
    Autosave autosave_;
    QTimer* autosaveTimer_;
    QStringList recent_;
    quint64 autosavedRevision_ = 0;
    // Whether this session wrote (or recovered) the current document's copy.
    // A copy the user chose to keep for later is never removed behind their back.
    bool autosaveOwned_ = false;
    void dropOwnAutosave();

    QAction *newAct_, *openAct_, *saveAct_, *saveAsAct_, *exportAct_, *quitAct_;
    QAction *undoAct_, *redoAct_, *deleteAct_, *addObjectAct_;
    QAction *zoomInAct_, *zoomOutAct_, *zoomFitAct_, *zoomActualAct_;
    QAction *prevFrameAct_, *nextFrameAct_, *firstFrameAct_, *lastFrameAct_;
    QAction *shortcutsAct_, *aboutAct_, *boxesAct_;
    GenerationController* gen_ = nullptr;
    GenerationPanel* genPanel_ = nullptr;
    Player* player_ = nullptr;
    ClipCache* clipCache_ = nullptr;
    void findCachedClip();
    QDockWidget* genDock_ = nullptr;
    QAction *generateAct_ = nullptr, *cancelAct_ = nullptr, *playAct_ = nullptr, *clipAct_ = nullptr;
    QActionGroup* toolGroup_;
    QAction *selectAct_, *hardAct_, *softAct_, *pathAct_, *includeAct_, *excludeAct_;
    QAction *brushSmallerAct_, *brushLargerAct_, *clearStrokesAct_;
    MatteOverlay* matteOverlay_ = nullptr;
    QAction* showMattesAct_ = nullptr;
    QMenu* recentMenu_;
    QMenu* viewMenu_;
    QLabel *posLabel_, *frameLabel_, *zoomLabel_;
};

}  // namespace boxanim::ui
